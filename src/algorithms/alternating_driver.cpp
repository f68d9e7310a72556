#include "gridnmf/algorithms/alternating_driver.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/cross_products.hpp"

namespace gridnmf {

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kMaxIterations: return "max_iterations";
    case StopReason::kTolerance: return "tolerance";
  }
  return "unknown";
}

double flops_per_iteration(const Distribution& dist, std::int64_t k) {
  return 4.0 * static_cast<double>(dist.rows()) * static_cast<double>(dist.cols()) *
         static_cast<double>(k);
}

template <typename T>
MatrixStatistics global_statistics(const ProcessGrid& grid, const LocalMatrix<T>& v_block) {
  double sums[2] = {0.0, 0.0};
  for (const T value : v_block.values) {
    sums[0] += value;
    sums[1] += static_cast<double>(value) * value;
  }
  comm::allreduce_sum(grid.all(), sums, 2);
  return {sums[0], sums[1]};
}

namespace {

// The buffers of one iteration, sized once from the distribution. Each
// block-sized buffer serves both halves: W_i is dead once V^T W_i is formed,
// and H_j^T once V H_j^T is, so a half's product reuses the other half's
// gathered factor and the workspace stays at (m_i + n_j) k entries.
template <typename T>
struct Workspace {
  LocalMatrix<T> rows_by_k;  // H half: W_i (gathered); W half: V_ij H_j^T (partial)
  LocalMatrix<T> cols_by_k;  // W half: H_j^T (gathered); H half: V_ij^T W_i (partial)
  LocalMatrix<T> vtw_own;    // (W^T V)^T for the owned H columns
  LocalMatrix<T> vht_own;    // V H^T for the owned W rows
  LocalMatrix<T> gram_w;     // W^T W
  LocalMatrix<T> gram_h;     // H H^T
  // W^T W and <W, V H^T> reduced together in double: one allreduce, and the
  // error keeps its digits in float32 runs.
  std::vector<double> gram_w_and_dot;
};

// ||V - WH||_F^2 from ||V||^2, <W, V H^T> and the two Gram matrices. May be
// slightly negative from cancellation near an exact fit, or NaN if W or H is.
template <typename T>
double residual_squared(double v_norm_squared, double w_dot_vht, const LocalMatrix<T>& gram_w,
                        const LocalMatrix<T>& gram_h) {
  const double gram_term = local::dot(gram_w.data(), gram_h.data(), gram_w.size());
  return v_norm_squared - 2.0 * w_dot_vht + gram_term;
}

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
                                         const LocalMatrix<T>& v_block,
                                         const MatrixStatistics& v_stats,
                                         LocalMatrix<T> w_own, LocalMatrix<T> ht_own,
                                         Algorithm algorithm, const StoppingRule& stopping,
                                         const ProgressCallback& progress) {
  const int i = grid.row();
  const int j = grid.col();
  const std::int64_t k = w_own.cols;
  const std::int64_t m_i = v_block.rows;
  const std::int64_t n_j = v_block.cols;
  const std::vector<std::int64_t> w_pieces = dist.w_piece_sizes(i);
  const std::vector<std::int64_t> h_pieces = dist.h_piece_sizes(j);
  check_message_sizes(dist, k);

  Workspace<T> ws;
  ws.rows_by_k = LocalMatrix<T>(m_i, k);
  ws.cols_by_k = LocalMatrix<T>(n_j, k);
  ws.vtw_own = LocalMatrix<T>(ht_own.rows, k);
  ws.vht_own = LocalMatrix<T>(w_own.rows, k);
  ws.gram_w = LocalMatrix<T>(k, k);
  ws.gram_h = LocalMatrix<T>(k, k);
  ws.gram_w_and_dot.resize(static_cast<size_t>(k * k + 1));

  local::CrossProducts<T> products(local::preferred_product_layout(), m_i, n_j, k);
  auto rule = make_update_rule<T>(algorithm);
  Factorization<T> result;
  const double v_norm = std::sqrt(v_stats.sum_of_squares);
  double previous_error = std::numeric_limits<double>::infinity();

  local::gram(w_own.data(), w_own.rows, k, ws.gram_w.data());
  comm::allreduce_sum(grid.all(), ws.gram_w.data(), k * k);

  const double start = MPI_Wtime();
  for (int iteration = 1; iteration <= stopping.max_iterations; ++iteration) {
    // H half: W^T V restricted to the owned H columns, then the local update.
    comm::allgather_rows(grid.row_comm(), w_own.data(), w_pieces, k, ws.rows_by_k.data());
    products.transposed_v_times(v_block.data(), ws.rows_by_k.data(), ws.cols_by_k.data());
    comm::reduce_scatter_rows(grid.col_comm(), ws.cols_by_k.data(), h_pieces, k,
                              ws.vtw_own.data());
    rule->update(ht_own, ws.vtw_own, ws.gram_w);

    // W half: the mirror image with H H^T and V H^T.
    local::gram(ht_own.data(), ht_own.rows, k, ws.gram_h.data());
    comm::allreduce_sum(grid.all(), ws.gram_h.data(), k * k);
    comm::allgather_rows(grid.col_comm(), ht_own.data(), h_pieces, k, ws.cols_by_k.data());
    products.v_times(v_block.data(), ws.cols_by_k.data(), ws.rows_by_k.data());
    comm::reduce_scatter_rows(grid.row_comm(), ws.rows_by_k.data(), w_pieces, k,
                              ws.vht_own.data());
    rule->update(w_own, ws.vht_own, ws.gram_h);

    // New W^T W (needed by the next H half anyway) and <W, V H^T> in one allreduce.
    local::gram(w_own.data(), w_own.rows, k, ws.gram_w.data());
    std::copy_n(ws.gram_w.values.begin(), k * k, ws.gram_w_and_dot.begin());
    ws.gram_w_and_dot[k * k] = local::dot(w_own.data(), ws.vht_own.data(), w_own.size());
    comm::allreduce_sum(grid.all(), ws.gram_w_and_dot.data(), k * k + 1);
    std::copy_n(ws.gram_w_and_dot.begin(), k * k, ws.gram_w.values.begin());

    // The residual is replicated, so every rank takes the same branch.
    const double raw_residual = residual_squared(v_stats.sum_of_squares,
                                                 ws.gram_w_and_dot[k * k], ws.gram_w, ws.gram_h);
    const double residual2 = std::max(raw_residual, 0.0);
    const double error = v_norm > 0 ? std::sqrt(residual2) / v_norm : std::sqrt(residual2);
    if (!std::isfinite(raw_residual)) {
      throw Error("iteration " + std::to_string(iteration) +
                  " produced a non-finite value in W or H; no result was written");
    }
    const IterationRecord record{iteration, error, MPI_Wtime() - start};
    result.history.push_back(record);
    result.iterations = iteration;
    result.relative_error = error;
    result.objective = 0.5 * residual2;
    if (progress) progress(record);

    if (stopping.tolerance > 0 &&
        (error == 0.0 || (previous_error - error) / error < stopping.tolerance)) {
      result.stop_reason = StopReason::kTolerance;
      break;
    }
    previous_error = error;
  }
  result.seconds = MPI_Wtime() - start;
  result.w_own = std::move(w_own);
  result.ht_own = std::move(ht_own);
  return result;
}

template MatrixStatistics global_statistics<double>(const ProcessGrid&,
                                                    const LocalMatrix<double>&);
template MatrixStatistics global_statistics<float>(const ProcessGrid&, const LocalMatrix<float>&);
template Factorization<double> run_alternating_updates<double>(
    const ProcessGrid&, const Distribution&, const LocalMatrix<double>&, const MatrixStatistics&,
    LocalMatrix<double>, LocalMatrix<double>, Algorithm, const StoppingRule&,
    const ProgressCallback&);
template Factorization<float> run_alternating_updates<float>(
    const ProcessGrid&, const Distribution&, const LocalMatrix<float>&, const MatrixStatistics&,
    LocalMatrix<float>, LocalMatrix<float>, Algorithm, const StoppingRule&,
    const ProgressCallback&);

}  // namespace gridnmf
