#include "frobenius_driver.hpp"

#include "exact_residual.hpp"
#include "half_exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/block_products.hpp"
#include "gridnmf/local/half_norm.hpp"
#include "gridnmf/local/projected_gradient.hpp"
#include "gridnmf/local/simplex_volume.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf {

namespace {

// Scalars appended to the k x k Gram matrix in each allreduce, so the error,
// penalties, projected gradient and time limit cost no extra collective.
enum HScalar { kSumH, kPgSquaredH, kHScalars };
enum WScalar { kDotW, kSumW, kPgSquaredW, kElapsed, kStopVotes, kWScalars };

// A k x k Gram matrix followed by a few scalars, reduced in double so the
// error keeps its digits in float32 runs.
struct GramBundle {
  std::int64_t k;
  std::vector<double> values;
  GramBundle(std::int64_t size, int scalars)
      : k(size), values(static_cast<size_t>(size * size + scalars)) {}
  double& scalar(int index) { return values[k * k + index]; }
  double trace() const {
    double sum = 0.0;
    for (std::int64_t l = 0; l < k; ++l) sum += values[l * k + l];
    return sum;
  }
  // Local Gram of `factor` into the bundle; scalars reset to 0.
  template <typename T>
  void set_local_gram(const LocalMatrix<T>& factor, LocalMatrix<T>& gram_scratch) {
    local::gram(factor.data(), factor.rows, k, gram_scratch.data());
    std::copy_n(gram_scratch.values.begin(), k * k, values.begin());
    std::fill(values.begin() + k * k, values.end(), 0.0);
  }
  // The reduced Gram in the working precision. A factor too large for it
  // (a Gram entry that is or becomes infinite) stops the run here: the
  // exact solvers would otherwise turn it into W = H = 0 and end "converged".
  // Replicated values, so every rank throws or none does.
  template <typename T>
  void copy_gram_to(LocalMatrix<T>& gram, int iteration) const {
    for (std::int64_t i = 0; i < k * k; ++i) {
      gram.values[i] = static_cast<T>(values[i]);
      if (!std::isfinite(gram.values[i])) {
        throw Error("iteration " + std::to_string(iteration) +
                    " produced a non-finite value in W or H; no result was written");
      }
    }
  }
};

template <typename T>
double local_sum(const LocalMatrix<T>& x) {
  double sum = 0.0;
  for (const T value : x.values) sum += value;
  return sum;
}

// The unmixing terms of SolverSettings (sum-to-one, minimum volume) as the
// corrections they make to the replicated Gram matrices and cross products.
template <typename T>
class UnmixingCorrections {
 public:
  UnmixingCorrections(const UnmixingTerms& terms, std::int64_t k, std::int64_t n)
      : terms_(terms), k_(k), n_(n), delta2_(terms.sum_to_one_weight * terms.sum_to_one_weight),
        gram_w_(k, k), gram_h_(k, k), volume_(static_cast<size_t>(k * k)) {}

  // The Gram matrix the H update sees: W^T W + delta^2 1 1^T.
  const LocalMatrix<T>& h_half_gram(const LocalMatrix<T>& gram_w) {
    if (delta2_ == 0.0) return gram_w;
    for (std::int64_t i = 0; i < k_ * k_; ++i) {
      gram_w_.values[i] = gram_w.values[i] + static_cast<T>(delta2_);
    }
    return gram_w_;
  }
  // (W^T V)^T + delta^2 for the owned H columns, in place, minus the L1/2
  // tangent's weights at the current H.
  void correct_h_cross(LocalMatrix<T>& vtw_own, const LocalMatrix<T>& ht_own) const {
    if (terms_.half_norm_weight > 0.0) {
      local::subtract_half_norm_tangent(ht_own.data(), vtw_own.data(), vtw_own.size(),
                                        terms_.half_norm_weight);
    }
    if (delta2_ == 0.0) return;
    for (T& value : vtw_own.values) value += static_cast<T>(delta2_);
  }
  // The Gram matrix the W update sees: H H^T + lambda P (P W^T W P + eps I)^-1 P,
  // from W^T W of the current W in double (`w_gram`).
  const LocalMatrix<T>& w_half_gram(const LocalMatrix<T>& gram_h, const double* h_gram,
                                    const double* w_gram, int iteration) {
    if (terms_.volume_weight == 0.0) return gram_h;
    volume_log_det(w_gram, volume_.data(), iteration);
    for (std::int64_t i = 0; i < k_ * k_; ++i) {
      gram_h_.values[i] = static_cast<T>(h_gram[i] + terms_.volume_weight * volume_[i]);
    }
    return gram_h_;
  }
  // The objective's unmixing part, 0.5 delta^2 ||1^T H - 1^T||^2 +
  // 0.5 lambda log det(...) + the L1/2 term, from sum(H), H H^T, W^T W and
  // the L1/2 sum of H (all replicated).
  double objective(double sum_h, const double* h_gram, const double* w_gram,
                   double half_norm_h, int iteration) const {
    double value = terms_.half_norm_weight * half_norm_h;
    if (delta2_ > 0.0) {
      double ones_hht_ones = 0.0;
      for (std::int64_t i = 0; i < k_ * k_; ++i) ones_hht_ones += h_gram[i];
      value += 0.5 * delta2_ * std::max(static_cast<double>(n_) - 2.0 * sum_h + ones_hht_ones, 0.0);
    }
    if (terms_.volume_weight > 0.0) {
      value += 0.5 * terms_.volume_weight * volume_log_det(w_gram, nullptr, iteration);
    }
    return value;
  }

 private:
  double volume_log_det(const double* w_gram, double* correction, int iteration) const {
    try {
      return local::simplex_volume_majorizer(w_gram, k_, terms_.volume_epsilon, correction);
    } catch (const std::runtime_error&) {
      throw Error("iteration " + std::to_string(iteration) +
                  " produced a non-finite value in W or H; no result was written");
    }
  }

  const UnmixingTerms terms_;
  const std::int64_t k_, n_;
  const double delta2_;
  LocalMatrix<T> gram_w_, gram_h_;
  std::vector<double> volume_;
};

}  // namespace

template <typename T>
Factorization<T> run_frobenius_updates(const ProcessGrid& grid, const Distribution& dist,
                                       const DataBlock<T>& v_block,
                                       const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                       LocalMatrix<T> ht_own, const SolverSettings& settings,
                                       const ProgressCallback& progress,
                                       const DriverControl<T>& control) {
  const std::int64_t k = w_own.cols;
  const std::int64_t m_i = v_block.rows();
  const std::int64_t n_j = v_block.cols();
  const std::vector<std::int64_t> w_pieces = dist.w_piece_sizes(grid.row());
  const std::vector<std::int64_t> h_pieces = dist.h_piece_sizes(grid.col());
  const StoppingRule& stopping = settings.stopping;
  const Penalty& pen_w = settings.penalty_w;
  const Penalty& pen_h = settings.penalty_h;
  const bool track_pg = stopping.pg_tolerance > 0;

  // Each block-sized buffer serves both halves: W_i is dead once V^T W_i is
  // formed and H_j^T once V H_j^T is, so the workspace is (m_i + n_j) k entries.
  LocalMatrix<T> rows_by_k(m_i, k);  // H half: W_i; W half: V_ij H_j^T (partial)
  LocalMatrix<T> cols_by_k(n_j, k);  // W half: H_j^T; H half: V_ij^T W_i (partial)
  LocalMatrix<T> vtw_own(ht_own.rows, k);  // (W^T V)^T for the owned H columns
  LocalMatrix<T> vht_own(w_own.rows, k);   // V H^T for the owned W rows
  LocalMatrix<T> gram_w(k, k), gram_h(k, k);
  std::vector<T> pg_scratch(static_cast<size_t>(track_pg ? std::max(w_own.size(), ht_own.size()) : 0));
  GramBundle bundle_w(k, kWScalars), bundle_h(k, kHScalars);

  local::BlockProducts<T> products(v_block, k);
  auto rule = make_update_rule<T>(settings.algorithm);
  ConvergenceMonitor monitor(stopping);
  UnmixingCorrections<T> unmixing(settings.unmixing, k, dist.cols());
  Factorization<T> result;
  const double v_norm = std::sqrt(v_stats.sum_of_squares);
  const ExactResidual<T> exact_residual(grid, dist, v_block);
  perf::PhaseClock clock;  // runs only inside the loop
  HalfExchange<T> exchange(grid, dist, k, clock);

  const auto gather_and_multiply_h = [&] {  // V H^T for the owned W rows
    exchange.gather_multiply_sum(
        Half::kW, ht_own.data(), cols_by_k.data(),
        [&](const T* ht_j, T* partial) { products.v_times(ht_j, partial); }, rows_by_k.data(),
        vht_own.data());
  };

  // The whole bundle, as in the loop: a message of another size may be reduced
  // in another order, and a resumed run must repeat the uninterrupted one bitwise.
  const int first_iteration = control.resume ? control.resume->iterations + 1 : 1;
  bundle_w.set_local_gram(w_own, gram_w);
  comm::allreduce_sum(grid.all(), bundle_w.values.data(), bundle_w.values.size());
  bundle_w.copy_gram_to(gram_w, first_iteration);
  double seconds_before = 0.0;  // loop time of the runs before a resume
  // The projected gradient of the start needs V H0^T, which the loop never
  // forms for H0: one extra half-product, only when --pg-tol is used.
  double previous_pg_squared_w = 0.0;
  if (control.resume) {
    const OptimizerState& state = control.resume->optimizer;
    monitor.restore(state.previous_objective, state.initial_pg_norm);
    previous_pg_squared_w = state.lagged_pg_squared_w;
    result.restore(control.resume->history);
    if (!result.history.empty()) seconds_before = result.history.back().seconds;
  } else if (track_pg && !settings.fix_w) {
    bundle_h.set_local_gram(ht_own, gram_h);
    comm::allreduce_sum(grid.all(), bundle_h.values.data(), k * k);
    bundle_h.copy_gram_to(gram_h, first_iteration);
    gather_and_multiply_h();
    const LocalMatrix<T>& gram = unmixing.w_half_gram(gram_h, bundle_h.values.data(),
                                                      bundle_w.values.data(), 0);
    double pg = local::projected_gradient_squared(w_own.data(), vht_own.data(), gram.data(),
                                                  w_own.rows, k, pen_w.l1, pen_w.l2,
                                                  pg_scratch.data());
    comm::allreduce_sum(grid.all(), &pg, 1);
    previous_pg_squared_w = pg;
  }
  clock.stop();  // the start's extra product (--pg-tol) counts in its phases, not in the loop time

  const double start = MPI_Wtime();
  perf::LoopMeter loop_meter;
  for (int iteration = first_iteration;; ++iteration) {
    // H half: W^T V restricted to the owned H columns, then the local update.
    exchange.gather_multiply_sum(
        Half::kH, w_own.data(), rows_by_k.data(),
        [&](const T* w_i, T* partial) { products.transposed_v_times(w_i, partial); },
        cols_by_k.data(), vtw_own.data());
    clock.enter(perf::Phase::kLocalUpdate);
    unmixing.correct_h_cross(vtw_own, ht_own);
    const LocalMatrix<T>& gram_w_h_half = unmixing.h_half_gram(gram_w);
    clock.enter(perf::Phase::kObjective);
    // The H part of the previous iterate's projected gradient (W, H, W^T V of it are at hand).
    const double pg_squared_h =
        track_pg ? local::projected_gradient_squared(ht_own.data(), vtw_own.data(),
                                                     gram_w_h_half.data(), ht_own.rows, k,
                                                     pen_h.l1, pen_h.l2, pg_scratch.data())
                 : 0.0;
    clock.enter(perf::Phase::kLocalUpdate);
    rule->update(ht_own, vtw_own, gram_w_h_half, pen_h);

    // W half: the mirror image with H H^T and V H^T.
    clock.enter(perf::Phase::kGram);
    bundle_h.set_local_gram(ht_own, gram_h);
    bundle_h.scalar(kSumH) = local_sum(ht_own);
    bundle_h.scalar(kPgSquaredH) = pg_squared_h;
    comm::allreduce_sum(grid.all(), bundle_h.values.data(), bundle_h.values.size());
    // The L1/2 sum in its own allreduce, only when that term is on: other
    // runs keep their message sizes, so their reduction order and traffic.
    double half_norm_h = 0.0;
    if (settings.unmixing.half_norm_weight > 0.0) {
      half_norm_h = local::half_norm_sum(ht_own.data(), ht_own.size());
      comm::allreduce_sum(grid.all(), &half_norm_h, 1);
    }
    bundle_h.copy_gram_to(gram_h, iteration);
    const LocalMatrix<T>& gram_h_w_half = unmixing.w_half_gram(
        gram_h, bundle_h.values.data(), bundle_w.values.data(), iteration);
    if (!settings.fix_w) {
      gather_and_multiply_h();
      clock.enter(perf::Phase::kLocalUpdate);
      rule->update(w_own, vht_own, gram_h_w_half, pen_w);
    }

    // New W^T W (needed by the next H half anyway) with the scalars of this iterate.
    clock.enter(perf::Phase::kGram);
    bundle_w.set_local_gram(w_own, gram_w);
    clock.enter(perf::Phase::kObjective);
    // <W, V H^T>, or with W fixed the same trace as <H, W^T V> of this H half.
    bundle_w.scalar(kDotW) =
        settings.fix_w ? local::dot(ht_own.data(), vtw_own.data(), ht_own.size())
                       : local::dot(w_own.data(), vht_own.data(), w_own.size());
    bundle_w.scalar(kSumW) = local_sum(w_own);
    if (track_pg && !settings.fix_w) {
      bundle_w.scalar(kPgSquaredW) = local::projected_gradient_squared(
          w_own.data(), vht_own.data(), gram_h_w_half.data(), w_own.rows, k, pen_w.l1, pen_w.l2,
          pg_scratch.data());
    }
    // Summed, then averaged: one clock all ranks agree on, for the time limit
    // and the history alike.
    clock.enter(perf::Phase::kGram);
    bundle_w.scalar(kElapsed) = MPI_Wtime() - start;
    bundle_w.scalar(kStopVotes) = control.stop_requested && control.stop_requested() ? 1.0 : 0.0;
    comm::allreduce_sum(grid.all(), bundle_w.values.data(), bundle_w.values.size());
    const double elapsed = bundle_w.scalar(kElapsed) / grid.size();
    bundle_w.copy_gram_to(gram_w, iteration);
    clock.enter(perf::Phase::kObjective);

    // Everything below is replicated, so every rank takes the same branches.
    const double raw_residual = v_stats.sum_of_squares - 2.0 * bundle_w.scalar(kDotW) +
                                local::dot(bundle_w.values.data(), bundle_h.values.data(), k * k);
    if (!std::isfinite(raw_residual)) {
      throw Error("iteration " + std::to_string(iteration) +
                  " produced a non-finite value in W or H; no result was written");
    }
    // Below the identity's accuracy the residual comes from a pass over V
    // (H_j^T is still in cols_by_k from the W half, W_i is gathered again):
    // in every such iteration when --tol decides on the objective, else only
    // for the iterate the run ends with.
    const bool below_floor =
        raw_residual < identity_accuracy_floor<T>() * v_stats.sum_of_squares;
    const auto exact = [&] {
      // With W fixed the W half did not run, so H_j^T must be gathered too.
      if (settings.fix_w) {
        comm::allgather_rows(grid.col_comm(), ht_own.data(), h_pieces, k, cols_by_k.data());
      }
      comm::allgather_rows(grid.row_comm(), w_own.data(), w_pieces, k, rows_by_k.data());
      return exact_residual(rows_by_k.data(), cols_by_k.data(), k,
                            local::dot(bundle_w.values.data(), bundle_h.values.data(), k * k));
    };
    double residual =
        below_floor && stopping.tolerance > 0 ? exact() : std::max(raw_residual, 0.0);
    const double penalties = pen_w.l1 * bundle_w.scalar(kSumW) + 0.5 * pen_w.l2 * bundle_w.trace() +
                             pen_h.l1 * bundle_h.scalar(kSumH) + 0.5 * pen_h.l2 * bundle_h.trace() +
                             unmixing.objective(bundle_h.scalar(kSumH), bundle_h.values.data(),
                                                bundle_w.values.data(),
                                                half_norm_h, iteration);
    double objective = 0.5 * residual + penalties;
    const double previous_pg =
        std::sqrt(bundle_h.scalar(kPgSquaredH) + previous_pg_squared_w);
    if (iteration == 1) monitor.set_initial_projected_gradient(previous_pg);
    previous_pg_squared_w = bundle_w.scalar(kPgSquaredW);

    auto stop =
        monitor.after_iteration(iteration, objective,
                                stopping.time_limit_seconds > 0 && elapsed > stopping.time_limit_seconds,
                                previous_pg);
    if (!stop && bundle_w.scalar(kStopVotes) > 0) stop = StopReason::kInterrupted;
    if (stop && below_floor && !(stopping.tolerance > 0)) {
      residual = exact();
      objective = 0.5 * residual + penalties;
    }
    const double error = v_norm > 0 ? std::sqrt(residual) / v_norm : std::sqrt(residual);
    clock.stop();
    result.record({iteration, error, objective, seconds_before + elapsed, 0.5 * residual});
    if (progress) progress(result.history.back());
    if (control.after_iteration) {
      control.after_iteration({iteration, elapsed, stop, w_own, ht_own, result.history,
                               {objective, monitor.initial_projected_gradient(),
                                previous_pg_squared_w}});
    }
    if (stop) {
      result.stop_reason = *stop;
      break;
    }
  }
  result.seconds = MPI_Wtime() - start;
  loop_meter.finish(result.iterations - (first_iteration - 1));  // this run's iterations
  result.w_own = std::move(w_own);
  result.ht_own = std::move(ht_own);
  return result;
}

template Factorization<double> run_frobenius_updates<double>(
    const ProcessGrid&, const Distribution&, const DataBlock<double>&, const MatrixStatistics&,
    LocalMatrix<double>, LocalMatrix<double>, const SolverSettings&, const ProgressCallback&,
    const DriverControl<double>&);
template Factorization<float> run_frobenius_updates<float>(
    const ProcessGrid&, const Distribution&, const DataBlock<float>&, const MatrixStatistics&,
    LocalMatrix<float>, LocalMatrix<float>, const SolverSettings&, const ProgressCallback&,
    const DriverControl<float>&);

}  // namespace gridnmf
