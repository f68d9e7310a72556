#pragma once

#include <string>

namespace gridnmf {

// The divergence minimised between V and WH, as the beta of the beta-divergence
// family: 2 is the Frobenius loss 0.5 ||V - WH||^2, 1 Kullback-Leibler, 0
// Itakura-Saito; any beta in [0, 2] is allowed.
struct Loss {
  double beta = 2.0;
  bool is_frobenius() const { return beta == 2.0; }
};

// "frobenius", "kl", "itakura-saito" or "beta:B"; the CLI, logs and file
// attributes use this spelling.
std::string to_string(const Loss& loss);
// Parses those spellings; throws UsageError naming the text otherwise.
Loss loss_from_string(const std::string& text);

}  // namespace gridnmf
