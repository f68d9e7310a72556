#pragma once

#include <cstdint>
#include <string>

namespace gridnmf {

// Options of `gridnmf pca`: the leading principal components of V's columns
// from the distributed truncated SVD, written like a factorization.
struct PcaOptions {
  std::string input;
  std::string dataset = "V";
  std::int64_t rank = 0;     // k components
  std::string output;
  bool center = true;        // subtract the mean column first (PCA); false: SVD of V
  int power_iterations = 2;  // of the randomized range finder
  std::uint64_t seed = 1;    // of its Gaussian test matrix
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
