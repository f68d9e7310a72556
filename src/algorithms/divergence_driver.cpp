#include "divergence_driver.hpp"

#include "evaluation_schedule.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/sparse_products.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf {

namespace {

// Scalars of the current iterate, reduced with the k column sums of W.
enum Scalar { kDivergence, kSquaredError, kSumW, kSumH, kSquaresW, kSquaresH, kPastTimeLimit,
              kIterateSeconds, kStopVotes, kScalars };

template <typename T>
void add_sums(const LocalMatrix<T>& x, double& sum, double& squares) {
  for (const T value : x.values) {
    sum += value;
    squares += static_cast<double>(value) * value;
  }
}

// The local parts of the global terms sparse KL needs, after the scalars:
// the column sums of the owned Ht (k), then the Gram matrices of the owned
// W and Ht (k x k each).
template <typename T>
void add_sparse_terms(const LocalMatrix<T>& ht_own, const LocalMatrix<T>& w_own,
                      LocalMatrix<T>& gram_scratch, double* out) {
  const std::int64_t k = ht_own.cols;
  std::vector<T> sums(static_cast<size_t>(k));
  local::column_sums(ht_own.data(), ht_own.rows, k, sums.data());
  std::copy(sums.begin(), sums.end(), out);
  local::gram(w_own.data(), w_own.rows, k, gram_scratch.data());
  std::copy(gram_scratch.values.begin(), gram_scratch.values.end(), out + k);
  local::gram(ht_own.data(), ht_own.rows, k, gram_scratch.data());
  std::copy(gram_scratch.values.begin(), gram_scratch.values.end(), out + k + k * k);
}

// Completes the reduced sparse sums: divergence += sum(WH) with sum(WH) =
// (1^T W)(H 1), squared error = ||V||^2 - 2 <V, WH> + <W^T W, H H^T>. The
// bundle starts with the column sums of W (k values).
void complete_sparse_sums(const double* bundle, double* scalars, std::int64_t k,
                          const MatrixStatistics& v_stats) {
  const double* h_row_sums = scalars + kScalars;
  const double* gram_w = h_row_sums + k;
  const double* gram_h = gram_w + k * k;
  double sum_wh = 0.0, gram_dot = 0.0;
  for (std::int64_t l = 0; l < k; ++l) sum_wh += bundle[l] * h_row_sums[l];
  for (std::int64_t i = 0; i < k * k; ++i) gram_dot += gram_w[i] * gram_h[i];
  scalars[kDivergence] += sum_wh;
  scalars[kSquaredError] = std::max(v_stats.sum_of_squares + scalars[kSquaredError] + gram_dot, 0.0);
}

}  // namespace

template <typename T>
Factorization<T> run_divergence_updates(const ProcessGrid& grid, const Distribution& dist,
                                        const DataBlock<T>& v_block,
                                        const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                        LocalMatrix<T> ht_own, const SolverSettings& settings,
                                        const ProgressCallback& progress,
                                        const DriverControl<T>& control) {
  const std::int64_t k = w_own.cols;
  const std::int64_t m_i = v_block.rows();
  const std::int64_t n_j = v_block.cols();
  const bool sparse = v_block.is_sparse();
  const std::vector<std::int64_t> w_pieces = dist.w_piece_sizes(grid.row());
  const std::vector<std::int64_t> h_pieces = dist.h_piece_sizes(grid.col());
  const double beta = settings.loss.beta;
  const Penalty& pen_w = settings.penalty_w;
  const Penalty& pen_h = settings.penalty_h;
  const double time_limit = settings.stopping.time_limit_seconds;

  // A sparse block (KL only) is visited at its nonzeros; the dense terms
  // object is then built on an empty block and never used.
  local::BetaDivergenceTerms<T> terms(beta, sparse ? nullptr : v_block.dense().data(),
                                      sparse ? 0 : m_i, sparse ? 0 : n_j, k);
  const bool full_denominator = terms.forms_denominator();
  // Sparse KL: sum(WH) = (1^T W)(H 1) and ||WH||^2 = <W^T W, H H^T> from the
  // row sums of H and both Gram matrices, reduced with the rest of the bundle.
  const std::int64_t sparse_extra = sparse ? k + 2 * k * k : 0;
  LocalMatrix<T> gram_scratch(sparse ? k : 0, k);
  // W_i and H_j stay gathered across halves: each half re-gathers only the
  // factor it just updated.
  LocalMatrix<T> w_block(m_i, k), ht_block(n_j, k);
  const std::int64_t longest = std::max(m_i, n_j);
  LocalMatrix<T> numer_part(longest, k), denom_part(full_denominator ? longest : 0, k);
  LocalMatrix<T> numer_own(std::max(w_own.rows, ht_own.rows), k);
  LocalMatrix<T> denom_own(full_denominator ? numer_own.rows : 0, k);
  std::vector<double> bundle(static_cast<size_t>(k + kScalars + sparse_extra));
  std::vector<double> h_row_sums(static_cast<size_t>(k));
  std::vector<T> shared_denominator(static_cast<size_t>(k));
  std::vector<T> local_sums(static_cast<size_t>(k));  // column sums of an owned piece
  perf::PhaseClock clock;  // runs only inside the loop

  // Sums the partial terms over the grid line and leaves this rank its own rows.
  const auto reduce_terms = [&](MPI_Comm line, const std::vector<std::int64_t>& pieces) {
    clock.enter(perf::Phase::kReduceScatter);
    comm::reduce_scatter_rows(line, numer_part.data(), pieces, k, numer_own.data());
    if (full_denominator) {
      comm::reduce_scatter_rows(line, denom_part.data(), pieces, k, denom_own.data());
    }
  };
  const auto update = [&](LocalMatrix<T>& factor, const Penalty& penalty, const double* sums) {
    clock.enter(perf::Phase::kLocalUpdate);
    const local::MuPenalty mu_penalty{penalty.l1, penalty.l2};
    if (full_denominator) {
      local::beta_mu_update(beta, factor.data(), numer_own.data(), denom_own.data(), factor.rows,
                            k, mu_penalty);
    } else {
      std::copy_n(sums, k, shared_denominator.begin());
      local::beta_mu_update_shared_denominator(beta, factor.data(), numer_own.data(),
                                               shared_denominator.data(), factor.rows, k,
                                               mu_penalty);
    }
  };

  comm::allgather_rows(grid.row_comm(), w_own.data(), w_pieces, k, w_block.data());
  comm::allgather_rows(grid.col_comm(), ht_own.data(), h_pieces, k, ht_block.data());
  ConvergenceMonitor monitor(settings.stopping);
  // The sparse kernels sum the divergence at the nonzeros they visit anyway.
  EvaluationSchedule schedule(settings.stopping,
                              sparse || settings.stopping.evaluate_every_iteration);
  Factorization<T> result;
  // A resumed run starts by evaluating the checkpoint's iterate again, exactly
  // as the uninterrupted run did, but does not record it twice.
  const int first_iteration = control.resume ? control.resume->iterations + 1 : 1;
  // The tolerance's previous objective is from this iterate's evaluation.
  int last_scheduled = schedule.last_scheduled(first_iteration - 1);
  double seconds_before = 0.0;  // loop time of the runs before a resume
  if (control.resume) {
    monitor.restore(control.resume->optimizer.previous_objective, 0.0);
    // The record of a last iteration outside the schedule is one the
    // uninterrupted run does not have.
    std::vector<IterationRecord> history = control.resume->history;
    if (!history.empty()) seconds_before = history.back().seconds;
    while (!history.empty() && !schedule.scheduled(history.back().iteration)) history.pop_back();
    result.restore(history);
  }
  const double v_norm = std::sqrt(v_stats.sum_of_squares);
  const double start = MPI_Wtime();
  double iterate_seconds = 0.0;  // when the iterate being evaluated was finished

  perf::LoopMeter loop_meter;
  for (int iteration = first_iteration;; ++iteration) {
    // H half, and the evaluation of the current iterate (number iteration - 1)
    // where the schedule asks for it.
    const bool evaluate = iteration == first_iteration || schedule.evaluates(iteration - 1);
    clock.enter(perf::Phase::kGemm);
    local::BlockSums block;
    local::SampledSums sampled;
    if (sparse) {
      local::kl_numerator_h_side(v_block.sparse(), w_block.data(), ht_block.data(), k,
                                 numer_part.data(), &sampled);
    } else {
      block = terms.h_half(w_block.data(), ht_block.data(), numer_part.data(),
                           full_denominator ? denom_part.data() : nullptr,
                           evaluate ? local::BetaDivergenceTerms<T>::Sums::kCompute
                                    : local::BetaDivergenceTerms<T>::Sums::kSkip);
    }
    reduce_terms(grid.col_comm(), h_pieces);
    clock.enter(perf::Phase::kGram);
    std::fill(bundle.begin(), bundle.end(), 0.0);
    if (!full_denominator) {
      local::column_sums(w_own.data(), w_own.rows, k, local_sums.data());
      std::copy(local_sums.begin(), local_sums.end(), bundle.begin());
    }
    double* scalars = bundle.data() + k;
    scalars[kDivergence] = block.divergence;
    scalars[kSquaredError] = block.squared_error;
    add_sums(w_own, scalars[kSumW], scalars[kSquaresW]);
    add_sums(ht_own, scalars[kSumH], scalars[kSquaresH]);
    if (sparse) {
      scalars[kDivergence] = sampled.log_terms;
      scalars[kSquaredError] = -2.0 * sampled.cross_term;
      add_sparse_terms(ht_own, w_own, gram_scratch, scalars + kScalars);
    }
    // The iterate being evaluated finished at iterate_seconds; the limit applies to it.
    scalars[kPastTimeLimit] = time_limit > 0 && iterate_seconds > time_limit ? 1.0 : 0.0;
    scalars[kIterateSeconds] = iterate_seconds;
    scalars[kStopVotes] = control.stop_requested && control.stop_requested() ? 1.0 : 0.0;
    comm::allreduce_sum(grid.all(), bundle.data(), static_cast<std::int64_t>(bundle.size()));
    clock.enter(perf::Phase::kObjective);

    // Replicated from here: every rank takes the same branches.
    if (sparse) complete_sparse_sums(bundle.data(), scalars, k, v_stats);
    const double objective = scalars[kDivergence] + pen_w.l1 * scalars[kSumW] +
                             0.5 * pen_w.l2 * scalars[kSquaresW] + pen_h.l1 * scalars[kSumH] +
                             0.5 * pen_h.l2 * scalars[kSquaresH];
    // Unevaluated iterates still show a non-finite W or H in their sums.
    if (!std::isfinite(evaluate ? objective : scalars[kSquaresW] + scalars[kSquaresH])) {
      throw Error((iteration == first_iteration && !control.resume
                       ? std::string("the starting point")
                                  : "iteration " + std::to_string(iteration - 1)) +
                  " produced a non-finite value in W or H; no result was written");
    }
    clock.stop();
    if (iteration > first_iteration) {
      // The ranks' mean clock, as for the Frobenius loss.
      const double seconds = scalars[kIterateSeconds] / grid.size();
      const bool stop_voted = scalars[kPastTimeLimit] > 0 || scalars[kStopVotes] > 0;
      std::optional<StopReason> stop;
      if (evaluate) {
        const double error = std::sqrt(scalars[kSquaredError]) / (v_norm > 0 ? v_norm : 1.0);
        result.record({iteration - 1, error, objective, seconds_before + seconds,
                       scalars[kDivergence]});
        if (progress) progress(result.history.back());
        if (schedule.scheduled(iteration - 1)) {
          stop = monitor.after_iteration(iteration - 1, objective, scalars[kPastTimeLimit] > 0,
                                         0.0, iteration - 1 - last_scheduled);
          last_scheduled = iteration - 1;
        } else {
          stop = monitor.limits_reached(iteration - 1, scalars[kPastTimeLimit] > 0);
        }
        if (!stop && scalars[kStopVotes] > 0) stop = StopReason::kInterrupted;
      } else if (stop_voted) {
        schedule.evaluate_from_now_on();
      }
      if (control.after_iteration) {
        control.after_iteration({iteration - 1, seconds, stop, w_own, ht_own, result.history,
                                 {monitor.previous_objective(), 0.0, 0.0}});
      }
      if (stop) {
        result.stop_reason = *stop;
        result.iterations = iteration - 1;  // the iterate returned, recorded above
        break;
      }
    }
    update(ht_own, pen_h, bundle.data());
    clock.enter(perf::Phase::kAllgather);
    comm::allgather_rows(grid.col_comm(), ht_own.data(), h_pieces, k, ht_block.data());

    if (settings.fix_w) {  // W stays: the next H half evaluates the new iterate
      clock.stop();
      iterate_seconds = MPI_Wtime() - start;
      continue;
    }
    // W half with the new H.
    // The sums of this half describe no iterate (old W, new H): skip them.
    clock.enter(perf::Phase::kGemm);
    if (sparse) {
      local::kl_numerator_w_side(v_block.sparse(), w_block.data(), ht_block.data(), k,
                                 numer_part.data(), nullptr);
    } else {
      terms.w_half(w_block.data(), ht_block.data(), numer_part.data(),
                   full_denominator ? denom_part.data() : nullptr,
                   local::BetaDivergenceTerms<T>::Sums::kSkip);
    }
    reduce_terms(grid.row_comm(), w_pieces);
    if (!full_denominator) {  // the row sums of the whole H
      clock.enter(perf::Phase::kGram);
      local::column_sums(ht_own.data(), ht_own.rows, k, local_sums.data());
      std::copy(local_sums.begin(), local_sums.end(), h_row_sums.begin());
      comm::allreduce_sum(grid.all(), h_row_sums.data(), k);
    }
    update(w_own, pen_w, h_row_sums.data());
    clock.enter(perf::Phase::kAllgather);
    comm::allgather_rows(grid.row_comm(), w_own.data(), w_pieces, k, w_block.data());
    clock.stop();
    iterate_seconds = MPI_Wtime() - start;
  }
  result.seconds = MPI_Wtime() - start;
  loop_meter.finish(result.iterations - (first_iteration - 1));  // this run's iterations
  result.w_own = std::move(w_own);
  result.ht_own = std::move(ht_own);
  return result;
}

template Factorization<double> run_divergence_updates<double>(
    const ProcessGrid&, const Distribution&, const DataBlock<double>&, const MatrixStatistics&,
    LocalMatrix<double>, LocalMatrix<double>, const SolverSettings&, const ProgressCallback&,
    const DriverControl<double>&);
template Factorization<float> run_divergence_updates<float>(
    const ProcessGrid&, const Distribution&, const DataBlock<float>&, const MatrixStatistics&,
    LocalMatrix<float>, LocalMatrix<float>, const SolverSettings&, const ProgressCallback&,
    const DriverControl<float>&);

}  // namespace gridnmf
