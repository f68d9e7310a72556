#pragma once

#include <cstdint>
#include <string>

#include "gridnmf/config/precision.hpp"

namespace gridnmf {

// Everything `gridnmf generate` needs, with its defaults.
struct GenerateOptions {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t rank = 0;
  double noise = 0.0;  // standard deviation of the additive Gaussian noise
  std::uint64_t seed = 1;
  Precision precision = Precision::kFloat64;
  std::string output;
  std::string dataset = "V";

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
