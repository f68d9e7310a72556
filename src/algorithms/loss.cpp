#include "gridnmf/algorithms/loss.hpp"

#include <cmath>
#include <charconv>

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string to_string(const Loss& loss) {
  if (loss.beta == 2.0) return "frobenius";
  if (loss.beta == 1.0) return "kl";
  if (loss.beta == 0.0) return "itakura-saito";
  // Shortest text that reads back as the same double.
  char digits[32];
  const auto end = std::to_chars(digits, digits + sizeof digits, loss.beta).ptr;
  return "beta:" + std::string(digits, end);
}

Loss loss_from_string(const std::string& text) {
  if (text == "frobenius") return Loss{2.0};
  if (text == "kl") return Loss{1.0};
  if (text == "itakura-saito") return Loss{0.0};
  if (text.rfind("beta:", 0) == 0) {
    const std::string number = text.substr(5);
    size_t used = 0;
    double beta = NAN;
    try {
      beta = std::stod(number, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != number.size() || !(beta >= 0.0 && beta <= 2.0)) {
      throw UsageError("--loss beta:B needs B in [0, 2], got '" + text + "'");
    }
    return Loss{beta};
  }
  throw UsageError("unknown --loss '" + text +
                   "' (supported: frobenius, kl, itakura-saito, beta:B with B in [0, 2])");
}

}  // namespace gridnmf
