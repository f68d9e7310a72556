#include "gridnmf/algorithms/loss.hpp"

#include <algorithm>
#include <cctype>
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

Loss loss_from_string(const std::string& given) {
  // scikit-learn's spellings too: 'frobenius', 'kullback-leibler',
  // 'itakura-saito' or a number (its beta_loss), in any case.
  std::string text = given;
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(text.begin(), text.end(), '_', '-');
  if (text == "frobenius" || text == "euclidean" || text == "beta:2") return Loss{2.0};
  if (text == "kl" || text == "kullback-leibler") return Loss{1.0};
  if (text == "itakura-saito" || text == "is") return Loss{0.0};
  const bool plain_number = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                              text[0] == '.' || text[0] == '-' || text[0] == '+');
  if (text.rfind("beta:", 0) == 0 || plain_number) {
    const std::string number = plain_number ? text : text.substr(5);
    size_t used = 0;
    double beta = NAN;
    try {
      beta = std::stod(number, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != number.size() || !(beta >= 0.0 && beta <= 2.0)) {
      throw UsageError("--loss beta:B needs B in [0, 2], got '" + given + "'");
    }
    return Loss{beta};
  }
  throw UsageError("unknown --loss '" + given +
                   "' (supported: frobenius, kl or kullback-leibler, itakura-saito, beta:B or a "
                   "number B in [0, 2])");
}

}  // namespace gridnmf
