#include "sparseness_driver.hpp"

#include "half_exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/block_products.hpp"
#include "gridnmf/local/column_sparseness.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf {

namespace {

// Hoyer's step-size rule: halve until the objective does not increase, then
// grow by 1.2 for the next iteration. After this many halvings without a
// decrease the factor stays as it is (the objective is flat to rounding).
constexpr int kMaxHalvings = 40;
constexpr double kStepGrowth = 1.2;

// The per-column sums of the projection, over every holder of the factor.
local::ColumnSumReducer reducer_over(MPI_Comm comm) {
  return [comm](double* values, std::int64_t count) { comm::allreduce_sum(comm, values, count); };
}

// One factor X (owned rows x k) of the half being updated, seen with the
// other factor's Gram matrix and the owned rows of the cross product with V:
// ||V - X Y^T||^2 = ||V||^2 - 2 <X, cross> + <X^T X, Y^T Y>.
template <typename T>
class FactorHalf {
 public:
  FactorHalf(MPI_Comm comm, std::int64_t k, double v_squares)
      : comm_(comm), k_(k), v_squares_(v_squares), bundle_(static_cast<size_t>(k * k + 1)),
        gram_(k, k) {}

  // 0.5 ||V - X Y^T||^2 for x: one allreduce of k^2 + 1 values.
  double objective(const LocalMatrix<T>& x, const LocalMatrix<T>& cross,
                   const LocalMatrix<T>& other_gram) {
    local::gram(x.data(), x.rows, k_, gram_.data());
    std::copy_n(gram_.values.begin(), k_ * k_, bundle_.begin());
    bundle_[k_ * k_] = local::dot(x.data(), cross.data(), x.size());
    comm::allreduce_sum(comm_, bundle_.data(), bundle_.size());
    double coupling = 0.0;
    for (std::int64_t i = 0; i < k_ * k_; ++i) coupling += bundle_[i] * other_gram.values[i];
    return 0.5 * std::max(v_squares_ - 2.0 * bundle_[k_ * k_] + coupling, 0.0);
  }

 private:
  MPI_Comm comm_;
  std::int64_t k_;
  double v_squares_;
  std::vector<double> bundle_;
  LocalMatrix<T> gram_;
};

// Projects every column of x (a factor's owned rows; a column is spread over
// all ranks, length `length`) to sparseness s and the given L2 norms.
template <typename T>
void project_columns(MPI_Comm comm, LocalMatrix<T>& x, std::int64_t length, double sparseness,
                     const std::vector<double>& l2) {
  std::vector<double> values(x.values.begin(), x.values.end());
  if (!local::project_columns_to_sparseness(values.data(), x.rows, x.cols, length, sparseness, l2,
                                            reducer_over(comm))) {
    // Decided on reduced sums, so every rank throws together.
    throw Error("the sparseness projection failed (a factor became non-finite); no result "
                "was written");
  }
  std::copy(values.begin(), values.end(), x.values.begin());
}

template <typename T>
std::vector<double> column_norms(MPI_Comm comm, const LocalMatrix<T>& x) {
  const std::vector<double> values(x.values.begin(), x.values.end());
  return local::column_norms(values.data(), x.rows, x.cols, reducer_over(comm));
}

// Rows of H (columns of ht) to unit L2 norm, the scale moved into the
// columns of W, so W H is unchanged (Hoyer keeps H's rows at unit energy).
template <typename T>
void normalize_h_rows(MPI_Comm comm, LocalMatrix<T>& ht_own, LocalMatrix<T>& w_own) {
  const std::vector<double> norms = column_norms(comm, ht_own);
  const std::int64_t k = ht_own.cols;
  for (std::int64_t l = 0; l < k; ++l) {
    if (!(norms[l] > 0.0)) continue;
    for (std::int64_t i = 0; i < ht_own.rows; ++i) ht_own(i, l) /= static_cast<T>(norms[l]);
    for (std::int64_t i = 0; i < w_own.rows; ++i) w_own(i, l) *= static_cast<T>(norms[l]);
  }
}

// Hoyer's projected gradient step on a constrained factor x. `step` is the
// replicated step size (0: start at 1 / trace(Y^T Y), a lower bound of one
// over the gradient's Lipschitz constant, so the scale of V does not
// matter). Returns the objective of the factor it leaves in x, never above
// that of the x it was given.
template <typename T>
double projected_gradient_step(MPI_Comm comm, FactorHalf<T>& half, LocalMatrix<T>& x,
                               const LocalMatrix<T>& cross, const LocalMatrix<T>& other_gram,
                               std::int64_t length, double sparseness, bool unit_norm,
                               double& step) {
  const std::int64_t k = x.cols;
  const double start = half.objective(x, cross, other_gram);
  if (step == 0.0) {
    double trace = 0.0;
    for (std::int64_t l = 0; l < k; ++l) trace += other_gram(l, l);
    step = trace > 0.0 ? 1.0 / trace : 1.0;
  }
  LocalMatrix<T> gradient(x.rows, k), trial(x.rows, k);
  local::gemm(false, false, x.rows, k, k, T(1), x.data(), k, other_gram.data(), k, T(0),
              gradient.data(), k);
  for (std::int64_t i = 0; i < x.size(); ++i) gradient.values[i] -= cross.values[i];
  for (int halving = 0; halving < kMaxHalvings; ++halving) {
    for (std::int64_t i = 0; i < x.size(); ++i) {
      trial.values[i] = x.values[i] - static_cast<T>(step) * gradient.values[i];
    }
    const std::vector<double> l2 =
        unit_norm ? std::vector<double>(static_cast<size_t>(k), 1.0) : column_norms(comm, trial);
    project_columns(comm, trial, length, sparseness, l2);
    const double objective = half.objective(trial, cross, other_gram);
    if (objective <= start) {
      x = std::move(trial);
      step *= kStepGrowth;
      return objective;
    }
    step /= 2.0;
  }
  return start;
}

}  // namespace

template <typename T>
Factorization<T> run_sparseness_updates(const ProcessGrid& grid, const Distribution& dist,
                                        const DataBlock<T>& v_block,
                                        const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                        LocalMatrix<T> ht_own, const SolverSettings& settings,
                                        const ProgressCallback& progress,
                                        const DriverControl<T>& control) {
  const std::int64_t k = w_own.cols;
  const std::int64_t m = dist.rows(), n = dist.cols();
  const SparsenessConstraint& target = settings.sparseness;
  const MPI_Comm all = grid.all();
  // Sparseness is defined for vectors of 2 or more entries (replicated check).
  if ((target.w > 0 && m < 2) || (target.h > 0 && n < 2)) {
    throw UsageError("--sparseness-w needs V with 2 or more rows, --sparseness-h 2 or more "
                     "columns (sparseness of a single entry is undefined)");
  }

  LocalMatrix<T> rows_by_k(v_block.rows(), k);  // W_i, then V_ij H_j^T (partial)
  LocalMatrix<T> cols_by_k(v_block.cols(), k);  // H_j^T, then V_ij^T W_i (partial)
  LocalMatrix<T> vtw_own(ht_own.rows, k);       // (W^T V)^T for the owned H columns
  LocalMatrix<T> vht_own(w_own.rows, k);        // V H^T for the owned W rows
  LocalMatrix<T> gram_w(k, k), gram_h(k, k);
  local::BlockProducts<T> products(v_block, k);
  auto rule = make_update_rule<T>(settings.algorithm);
  ConvergenceMonitor monitor(settings.stopping);
  FactorHalf<T> half(all, k, v_stats.sum_of_squares);
  Factorization<T> result;
  OptimizerState state;
  perf::PhaseClock clock;
  HalfExchange<T> exchange(grid, dist, k, clock);

  const auto reduce_gram = [&](const LocalMatrix<T>& x, LocalMatrix<T>& gram) {
    local::gram(x.data(), x.rows, k, gram.data());
    comm::allreduce_sum(all, gram.data(), k * k);
  };

  const int first_iteration = control.resume ? control.resume->iterations + 1 : 1;
  double seconds_before = 0.0;
  if (control.resume) {
    state = control.resume->optimizer;
    monitor.restore(state.previous_objective, state.initial_pg_norm);
    result.restore(control.resume->history);
    if (!result.history.empty()) seconds_before = result.history.back().seconds;
  } else {
    // Into the constraint set, as Hoyer starts: unit rows of H (the scale
    // moved into W), then the constrained columns and rows projected.
    normalize_h_rows(all, ht_own, w_own);
    if (target.h > 0) {
      project_columns(all, ht_own, n, target.h, std::vector<double>(static_cast<size_t>(k), 1.0));
    }
    if (target.w > 0) project_columns(all, w_own, m, target.w, column_norms(all, w_own));
  }
  reduce_gram(w_own, gram_w);

  const double start = MPI_Wtime();
  perf::LoopMeter loop_meter;
  for (int iteration = first_iteration;; ++iteration) {
    // H half: (W^T V)^T for the owned H columns, then the step on H.
    exchange.gather_multiply_sum(
        Half::kH, w_own.data(), rows_by_k.data(),
        [&](const T* w_i, T* partial) { products.transposed_v_times(w_i, partial); },
        cols_by_k.data(), vtw_own.data());
    clock.enter(perf::Phase::kLocalUpdate);
    if (target.h > 0) {
      projected_gradient_step(all, half, ht_own, vtw_own, gram_w, n, target.h, true, state.step_h);
    } else {
      rule->update(ht_own, vtw_own, gram_w, Penalty{});
      normalize_h_rows(all, ht_own, w_own);
    }

    // W half: H H^T and V H^T for the owned W rows, then the step on W.
    clock.enter(perf::Phase::kGram);
    reduce_gram(ht_own, gram_h);
    exchange.gather_multiply_sum(
        Half::kW, ht_own.data(), cols_by_k.data(),
        [&](const T* ht_j, T* partial) { products.v_times(ht_j, partial); }, rows_by_k.data(),
        vht_own.data());
    clock.enter(perf::Phase::kLocalUpdate);
    if (target.w > 0) {
      projected_gradient_step(all, half, w_own, vht_own, gram_h, m, target.w, false, state.step_w);
    } else {
      rule->update(w_own, vht_own, gram_h, Penalty{});
    }

    // W^T W for the next H half, with <W, V H^T>, the clock and the stop votes.
    clock.enter(perf::Phase::kGram);
    std::vector<double> bundle(static_cast<size_t>(k * k + 3), 0.0);
    local::gram(w_own.data(), w_own.rows, k, gram_w.data());
    std::copy_n(gram_w.values.begin(), k * k, bundle.begin());
    bundle[k * k] = local::dot(w_own.data(), vht_own.data(), w_own.size());
    bundle[k * k + 1] = MPI_Wtime() - start;
    bundle[k * k + 2] = control.stop_requested && control.stop_requested() ? 1.0 : 0.0;
    comm::allreduce_sum(all, bundle.data(), bundle.size());
    std::copy_n(bundle.begin(), k * k, gram_w.values.begin());
    const double elapsed = bundle[k * k + 1] / grid.size();

    // Replicated from here on.
    clock.enter(perf::Phase::kObjective);
    double coupling = 0.0;
    for (std::int64_t i = 0; i < k * k; ++i) coupling += bundle[i] * gram_h.values[i];
    const double raw = v_stats.sum_of_squares - 2.0 * bundle[k * k] + coupling;
    if (!std::isfinite(raw)) {
      throw Error("iteration " + std::to_string(iteration) +
                  " produced a non-finite value in W or H; no result was written");
    }
    const double residual = std::max(raw, 0.0);
    const double objective = 0.5 * residual;
    const StoppingRule& stopping = settings.stopping;
    auto stop = monitor.after_iteration(
        iteration, objective,
        stopping.time_limit_seconds > 0 && elapsed > stopping.time_limit_seconds, 0.0);
    if (!stop && bundle[k * k + 2] > 0) stop = StopReason::kInterrupted;
    const double v_norm = std::sqrt(v_stats.sum_of_squares);
    const double error = v_norm > 0 ? std::sqrt(residual) / v_norm : std::sqrt(residual);
    clock.stop();
    result.record({iteration, error, objective, seconds_before + elapsed, objective});
    if (progress) progress(result.history.back());
    state.previous_objective = objective;
    if (control.after_iteration) {
      control.after_iteration({iteration, elapsed, stop, w_own, ht_own, result.history, state});
    }
    if (stop) {
      result.stop_reason = *stop;
      break;
    }
  }
  result.seconds = MPI_Wtime() - start;
  loop_meter.finish(result.iterations - (first_iteration - 1));
  result.w_own = std::move(w_own);
  result.ht_own = std::move(ht_own);
  return result;
}

#define GRIDNMF_INSTANTIATE_SPARSENESS(T)                                                  \
  template Factorization<T> run_sparseness_updates<T>(                                     \
      const ProcessGrid&, const Distribution&, const DataBlock<T>&, const MatrixStatistics&, \
      LocalMatrix<T>, LocalMatrix<T>, const SolverSettings&, const ProgressCallback&,      \
      const DriverControl<T>&);
GRIDNMF_INSTANTIATE_SPARSENESS(double)
GRIDNMF_INSTANTIATE_SPARSENESS(float)
#undef GRIDNMF_INSTANTIATE_SPARSENESS

}  // namespace gridnmf
