#include "gridnmf/perf/traffic_model.hpp"

namespace gridnmf::perf {

double model_rank_bytes_per_iteration(const Distribution& dist, int i, int j, std::int64_t k,
                                      std::size_t element_bytes, const Loss& loss) {
  const double kk = static_cast<double>(k);
  const double w_missing = static_cast<double>(dist.block_rows(i).size -
                                               dist.owned_w_rows(i, j).size);
  const double h_missing = static_cast<double>(dist.block_cols(j).size -
                                               dist.owned_h_cols(i, j).size);
  const double gathered = kk * (w_missing + h_missing);
  const int reductions_per_half = loss.is_frobenius() || loss.beta == 1.0 ? 1 : 2;
  const double scattered = reductions_per_half * gathered;
  const bool alone = dist.grid_rows() * dist.grid_cols() == 1;
  double reduced_doubles = 0.0;
  if (!alone) {
    if (loss.is_frobenius()) {
      reduced_doubles = 2.0 * kk * kk;
    } else {
      reduced_doubles = loss.beta == 1.0 ? 2.0 * kk : kk;
    }
  }
  return (gathered + scattered) * static_cast<double>(element_bytes) +
         reduced_doubles * sizeof(double);
}

double model_bytes_per_iteration(const Distribution& dist, std::int64_t k,
                                 std::size_t element_bytes, const Loss& loss) {
  double sum = 0.0;
  for (int i = 0; i < dist.grid_rows(); ++i)
    for (int j = 0; j < dist.grid_cols(); ++j)
      sum += model_rank_bytes_per_iteration(dist, i, j, k, element_bytes, loss);
  return sum / (static_cast<double>(dist.grid_rows()) * dist.grid_cols());
}

}  // namespace gridnmf::perf
