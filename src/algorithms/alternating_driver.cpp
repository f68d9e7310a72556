#include "gridnmf/algorithms/alternating_driver.hpp"

#include "divergence_driver.hpp"
#include "frobenius_driver.hpp"
#include "masked_driver.hpp"
#include "sparseness_driver.hpp"
#include <algorithm>
#include <limits>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf {

double flops_per_iteration(const Distribution& dist, std::int64_t k, const Loss& loss,
                           std::int64_t nonzeros) {
  if (nonzeros > 0) {
    const double per_product = 2.0 * static_cast<double>(nonzeros) * static_cast<double>(k);
    return loss.is_frobenius() ? 2.0 * per_product : 4.0 * per_product;
  }
  // One m x n x k GEMM is 2 m n k flops. Frobenius: V^T W and V H^T. Other
  // losses, per half: W_i H_j and the numerator product, plus the denominator
  // product unless beta = 1 (column sums instead).
  const double gemm = 2.0 * static_cast<double>(dist.rows()) * static_cast<double>(dist.cols()) *
                      static_cast<double>(k);
  if (loss.is_frobenius()) return 2.0 * gemm;
  return loss.beta == 1.0 ? 4.0 * gemm : 6.0 * gemm;
}

template <typename T>
MatrixStatistics global_statistics(const ProcessGrid& grid, const DataBlock<T>& v_block) {
  double sums[2] = {0.0, 0.0};
  for (const T value : v_block.stored_values()) {
    sums[0] += value;
    sums[1] += static_cast<double>(value) * value;
  }
  comm::allreduce_sum(grid.all(), sums, 2);
  return {sums[0], sums[1]};
}

namespace {

// Every message of the iteration fits MPI's int counts. Checked on replicated
// data before the first collective, so all ranks fail together or none does.
void check_message_sizes(const Distribution& dist, std::int64_t k) {
  const std::int64_t largest = std::max(dist.block_rows(0).size, dist.block_cols(0).size) * k;
  if (largest > std::numeric_limits<int>::max()) {
    throw Error("a block of " + std::to_string(largest) +
                " factor entries exceeds the MPI message limit; use more ranks or a smaller k");
  }
}

}  // namespace

template <typename T>
Factorization<T> run_alternating_updates(const ProcessGrid& grid, const Distribution& dist,
                                         const DataBlock<T>& v_block,
                                         const MatrixStatistics& v_stats,
                                         LocalMatrix<T> w_own, LocalMatrix<T> ht_own,
                                         const SolverSettings& settings,
                                         const ProgressCallback& progress,
                                         const DriverControl<T>& control) {
  check_message_sizes(dist, w_own.cols);
  if (control.resume && control.resume->iterations >= settings.stopping.max_iterations) {
    // A checkpoint already at --max-iter: its iterate is the result.
    Factorization<T> result;
    result.restore(control.resume->history);
    // The history may end before it where objectives are evaluated on a schedule.
    result.iterations = control.resume->iterations;
    result.w_own = std::move(w_own);
    result.ht_own = std::move(ht_own);
    return result;
  }
  if (v_block.is_sparse() && !settings.loss.is_frobenius() && settings.loss.beta != 1.0) {
    // Replicated: the input's kind and the loss are the same on every rank.
    throw UsageError("--loss " + to_string(settings.loss) +
                     " is not supported on sparse input (its zeros would need the dense W H); "
                     "use --loss frobenius or kullback-leibler, or convert the input to dense");
  }
  if (settings.sparseness.active()) {
    return run_sparseness_updates(grid, dist, v_block, v_stats, std::move(w_own),
                                  std::move(ht_own), settings, progress, control);
  }
  if (settings.mask.active()) {
    return run_masked_updates(grid, dist, v_block, std::move(w_own), std::move(ht_own), settings,
                              progress, control);
  }
  if (settings.loss.is_frobenius()) {
    return run_frobenius_updates(grid, dist, v_block, v_stats, std::move(w_own),
                                 std::move(ht_own), settings, progress, control);
  }
  return run_divergence_updates(grid, dist, v_block, v_stats, std::move(w_own), std::move(ht_own),
                                settings, progress, control);
}

#define GRIDNMF_INSTANTIATE_DRIVER(T)                                                        \
  template MatrixStatistics global_statistics<T>(const ProcessGrid&, const DataBlock<T>&);   \
  template Factorization<T> run_alternating_updates<T>(                                      \
      const ProcessGrid&, const Distribution&, const DataBlock<T>&,                          \
      const MatrixStatistics&, LocalMatrix<T>, LocalMatrix<T>, const SolverSettings&,        \
      const ProgressCallback&, const DriverControl<T>&);
GRIDNMF_INSTANTIATE_DRIVER(double)
GRIDNMF_INSTANTIATE_DRIVER(float)
#undef GRIDNMF_INSTANTIATE_DRIVER

}  // namespace gridnmf
