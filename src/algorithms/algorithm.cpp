#include "gridnmf/algorithms/algorithm.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kMu: return "mu";
    case Algorithm::kHals: return "hals";
    case Algorithm::kBpp: return "bpp";
  }
  return "unknown";
}

Algorithm algorithm_from_string(const std::string& text) {
  if (text == "mu") return Algorithm::kMu;
  if (text == "hals") return Algorithm::kHals;
  if (text == "bpp") return Algorithm::kBpp;
  throw UsageError("unknown --algorithm '" + text + "' (supported: mu, hals, bpp)");
}

}  // namespace gridnmf
