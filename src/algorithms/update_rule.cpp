#include "gridnmf/algorithms/update_rule.hpp"

#include "gridnmf/algorithms/bpp_update.hpp"
#include "gridnmf/algorithms/hals_update.hpp"
#include "gridnmf/algorithms/mu_update.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf {

template <typename T>
std::unique_ptr<UpdateRule<T>> make_update_rule(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kMu: return std::make_unique<MuUpdate<T>>();
    case Algorithm::kHals: return std::make_unique<HalsUpdate<T>>();
    case Algorithm::kBpp: return std::make_unique<BppUpdate<T>>();
  }
  throw UsageError("algorithm '" + to_string(algorithm) + "' has no update rule");
}

template std::unique_ptr<UpdateRule<double>> make_update_rule<double>(Algorithm);
template std::unique_ptr<UpdateRule<float>> make_update_rule<float>(Algorithm);

}  // namespace gridnmf
