#pragma once

#include <string>

namespace gridnmf {

// The local update rule plugged into the alternating driver.
enum class Algorithm {
  kMu,    // multiplicative updates (Lee & Seung; beta-divergence MU for other losses)
  kHals,  // hierarchical alternating least squares (Cichocki & Phan)
  kBpp,   // alternating NNLS by block principal pivoting (Kim & Park)
};

// "mu", "hals", "bpp"; the spelling used by the CLI, logs and output attributes.
std::string to_string(Algorithm algorithm);
// Throws UsageError naming the text and the accepted values.
Algorithm algorithm_from_string(const std::string& text);

}  // namespace gridnmf
