#include "masked_driver.hpp"

#include "half_exchange.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/masked_terms.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf {

namespace {

// Scalars of the current iterate, reduced in one allreduce (after the Gram
// matrix of W when the rule needs it).
enum Scalar { kLoss, kSquaredError, kHeldoutSquaredError, kHeldoutDivergence, kSumW, kSumH,
              kSquaresW, kSquaresH, kPastTimeLimit, kIterateSeconds, kStopVotes, kScalars };

template <typename T>
void add_sums(const LocalMatrix<T>& x, double& sum, double& squares) {
  for (const T value : x.values) {
    sum += value;
    squares += static_cast<double>(value) * value;
  }
}

local::MaskedScheme scheme_for(const SolverSettings& settings) {
  if (settings.algorithm != Algorithm::kMu) return local::MaskedScheme::kImputed;
  return settings.loss.is_frobenius() ? local::MaskedScheme::kFrobeniusMu
                                      : local::MaskedScheme::kKullbackLeiblerMu;
}

// The input's indices of an internal index range.
std::vector<std::int64_t> indices_of(const IndexRange& range,
                                     const std::function<std::int64_t(std::int64_t)>& to_input) {
  std::vector<std::int64_t> ids(static_cast<size_t>(range.size));
  for (std::int64_t i = 0; i < range.size; ++i) {
    ids[i] = to_input ? to_input(range.begin + i) : range.begin + i;
  }
  return ids;
}

}  // namespace

template <typename T>
Factorization<T> run_masked_updates(const ProcessGrid& grid, const Distribution& dist,
                                    const DataBlock<T>& v_block, LocalMatrix<T> w_own,
                                    LocalMatrix<T> ht_own, const SolverSettings& settings,
                                    const ProgressCallback& progress,
                                    const DriverControl<T>& control) {
  const bool sparse = v_block.is_sparse();  // replicated: the same kind on every rank
  const std::int64_t k = w_own.cols;
  const std::int64_t m_i = v_block.rows();
  const std::int64_t n_j = v_block.cols();
  const std::vector<std::int64_t> w_pieces = dist.w_piece_sizes(grid.row());
  const std::vector<std::int64_t> h_pieces = dist.h_piece_sizes(grid.col());
  const Penalty& pen_w = settings.penalty_w;
  const Penalty& pen_h = settings.penalty_h;
  const double time_limit = settings.stopping.time_limit_seconds;
  const local::MaskedScheme scheme = scheme_for(settings);
  const bool imputed = scheme == local::MaskedScheme::kImputed;
  // The update's beta: masked MU is beta MU with the masked terms.
  const double mu_beta = settings.loss.beta;

  // The mask is defined on the input's indices (sparse input may be permuted).
  const HoldoutMask holdout(settings.mask.holdout_seed, settings.mask.holdout_fraction);
  const IndexRange block_cols = dist.block_cols(grid.col());
  const std::vector<std::int64_t> row_ids =
      indices_of(dist.block_rows(grid.row()), settings.mask.input_row);
  const std::vector<std::int64_t> col_ids = indices_of(block_cols, settings.mask.input_col);
  local::MaskedTerms<T> terms =
      sparse ? local::MaskedTerms<T>(scheme, v_block.sparse(), k, row_ids, col_ids, holdout)
             : local::MaskedTerms<T>(scheme, v_block.dense().data(), m_i, n_j, k, row_ids,
                                     col_ids, holdout);
  if (sparse) {
    // As many held-out zeros per input row as held-out nonzeros: the count
    // of the whole row, summed over the grid row.
    std::vector<std::int64_t> row_totals = terms.heldout_nonzeros_per_row();
    comm::allreduce_sum(grid.row_comm(), row_totals.data(), m_i);
    const auto& internal_col = settings.mask.internal_col;
    terms.add_heldout_zeros(row_totals, dist.cols(), [&](std::int64_t input) {
      const std::int64_t c = internal_col ? internal_col(input) : input;
      return c >= block_cols.begin && c < block_cols.end() ? c - block_cols.begin : -1;
    });
  }
  double counts[5] = {terms.counts().observed, terms.counts().heldout, terms.counts().missing,
                      terms.counts().observed_sum_of_squares,
                      terms.counts().heldout_sum_of_squares};
  comm::allreduce_sum(grid.all(), counts, 5);
  if (!(counts[3] > 0.0)) {
    throw Error("V has no observed nonzero entry left to fit once the missing and held-out "
                "entries are left out");
  }
  const double observed_norm = std::sqrt(counts[3]);
  const double heldout_norm = std::sqrt(counts[4]);

  std::unique_ptr<UpdateRule<T>> rule = imputed ? make_update_rule<T>(settings.algorithm) : nullptr;
  // W_i and H_j stay gathered across halves: each half re-gathers only the
  // factor it just updated.
  LocalMatrix<T> w_block(m_i, k), ht_block(n_j, k);
  const std::int64_t longest = std::max(m_i, n_j);
  LocalMatrix<T> numer_part(longest, k), denom_part(imputed ? 0 : longest, k);
  LocalMatrix<T> numer_own(std::max(w_own.rows, ht_own.rows), k);
  LocalMatrix<T> denom_own(imputed ? 0 : numer_own.rows, k);
  LocalMatrix<T> gram(k, k), gram_scratch(k, k);
  const std::int64_t gram_entries = imputed ? k * k : 0;
  std::vector<double> bundle(static_cast<size_t>(gram_entries + kScalars));
  perf::PhaseClock clock;  // runs only inside the loop
  HalfExchange<T> exchange(grid, dist, k, clock);

  const auto reduce_terms = [&](Half half) {
    exchange.sum(half, numer_part.data(), numer_own.data());
    if (!imputed) exchange.sum(half, denom_part.data(), denom_own.data());
  };
  // The local Gram of `factor` into `out` (k x k doubles), to be summed.
  const auto local_gram = [&](const LocalMatrix<T>& factor, double* out) {
    local::gram(factor.data(), factor.rows, k, gram_scratch.data());
    std::copy(gram_scratch.values.begin(), gram_scratch.values.end(), out);
  };
  // The imputed rules' cross products, shaped like the factor they update
  // (numer_own holds the longer of the two), allocated once.
  LocalMatrix<T> cross_w(imputed ? w_own.rows : 0, k), cross_h(imputed ? ht_own.rows : 0, k);
  const auto update = [&](LocalMatrix<T>& factor, const Penalty& penalty) {
    clock.enter(perf::Phase::kLocalUpdate);
    if (imputed) {
      LocalMatrix<T>& cross = &factor == &w_own ? cross_w : cross_h;
      std::copy_n(numer_own.values.begin(), factor.size(), cross.values.begin());
      rule->update(factor, cross, gram, penalty);
    } else {
      local::beta_mu_update(mu_beta, factor.data(), numer_own.data(), denom_own.data(),
                            factor.rows, k, local::MuPenalty{penalty.l1, penalty.l2});
    }
  };

  comm::allgather_rows(grid.row_comm(), w_own.data(), w_pieces, k, w_block.data());
  comm::allgather_rows(grid.col_comm(), ht_own.data(), h_pieces, k, ht_block.data());
  ConvergenceMonitor monitor(settings.stopping);
  Factorization<T> result;
  result.observed_entries = counts[0];
  result.heldout_entries = counts[1];
  result.missing_entries = counts[2];
  // As in the divergence driver: the H half evaluates the iterate before it,
  // and a resumed run evaluates the checkpoint's iterate again without
  // recording it twice.
  const int first_iteration = control.resume ? control.resume->iterations + 1 : 1;
  double seconds_before = 0.0;
  if (control.resume) {
    monitor.restore(control.resume->optimizer.previous_objective, 0.0);
    result.restore(control.resume->history);
    if (!result.history.empty()) seconds_before = result.history.back().seconds;
  }
  const double start = MPI_Wtime();
  double iterate_seconds = 0.0;

  perf::LoopMeter loop_meter;
  for (int iteration = first_iteration;; ++iteration) {
    // H half, and the evaluation of the current iterate (number iteration - 1).
    clock.enter(perf::Phase::kGemm);
    const local::MaskedSums sums =
        terms.h_half(w_block.data(), ht_block.data(), numer_part.data(),
                     imputed ? nullptr : denom_part.data(), true);
    reduce_terms(Half::kH);
    clock.enter(perf::Phase::kGram);
    std::fill(bundle.begin(), bundle.end(), 0.0);
    if (imputed) local_gram(w_own, bundle.data());
    double* scalars = bundle.data() + gram_entries;
    scalars[kLoss] = sums.loss;
    scalars[kSquaredError] = sums.squared_error;
    scalars[kHeldoutSquaredError] = sums.heldout_squared_error;
    scalars[kHeldoutDivergence] = sums.heldout_divergence;
    add_sums(w_own, scalars[kSumW], scalars[kSquaresW]);
    add_sums(ht_own, scalars[kSumH], scalars[kSquaresH]);
    scalars[kPastTimeLimit] = time_limit > 0 && iterate_seconds > time_limit ? 1.0 : 0.0;
    scalars[kIterateSeconds] = iterate_seconds;
    scalars[kStopVotes] = control.stop_requested && control.stop_requested() ? 1.0 : 0.0;
    comm::allreduce_sum(grid.all(), bundle.data(), static_cast<std::int64_t>(bundle.size()));
    clock.enter(perf::Phase::kObjective);

    // Replicated from here: every rank takes the same branches. The sampled
    // schemes' Gram identity may round a near-exact fit below 0.
    scalars[kLoss] = std::max(scalars[kLoss], 0.0);
    scalars[kSquaredError] = std::max(scalars[kSquaredError], 0.0);
    const double objective = scalars[kLoss] + pen_w.l1 * scalars[kSumW] +
                             0.5 * pen_w.l2 * scalars[kSquaresW] + pen_h.l1 * scalars[kSumH] +
                             0.5 * pen_h.l2 * scalars[kSquaresH];
    if (!std::isfinite(objective)) {
      throw Error((iteration == first_iteration && !control.resume
                       ? std::string("the starting point")
                       : "iteration " + std::to_string(iteration - 1)) +
                  " produced a non-finite value in W or H; no result was written");
    }
    clock.stop();
    if (iteration > first_iteration) {
      const double error = std::sqrt(scalars[kSquaredError]) / observed_norm;
      const double seconds = scalars[kIterateSeconds] / grid.size();
      result.heldout_error =
          heldout_norm > 0 ? std::sqrt(scalars[kHeldoutSquaredError]) / heldout_norm : 0.0;
      result.heldout_divergence = scalars[kHeldoutDivergence];
      result.record({iteration - 1, error, objective, seconds_before + seconds, scalars[kLoss]});
      if (progress) progress(result.history.back());
      auto stop =
          monitor.after_iteration(iteration - 1, objective, scalars[kPastTimeLimit] > 0, 0.0);
      if (!stop && scalars[kStopVotes] > 0) stop = StopReason::kInterrupted;
      if (control.after_iteration) {
        control.after_iteration(
            {iteration - 1, seconds, stop, w_own, ht_own, result.history, {objective, 0.0, 0.0}});
      }
      if (stop) {
        result.stop_reason = *stop;
        break;
      }
    }
    if (imputed) {
      for (std::int64_t i = 0; i < k * k; ++i) gram.values[i] = static_cast<T>(bundle[i]);
    }
    update(ht_own, pen_h);
    exchange.gather(Half::kW, ht_own.data(), ht_block.data());

    // W half with the new H; its sums describe no iterate (old W, new H).
    clock.enter(perf::Phase::kGemm);
    terms.w_half(w_block.data(), ht_block.data(), numer_part.data(),
                 imputed ? nullptr : denom_part.data(), false);
    reduce_terms(Half::kW);
    if (imputed) {
      clock.enter(perf::Phase::kGram);
      local_gram(ht_own, bundle.data());
      comm::allreduce_sum(grid.all(), bundle.data(), k * k);
      for (std::int64_t i = 0; i < k * k; ++i) gram.values[i] = static_cast<T>(bundle[i]);
    }
    update(w_own, pen_w);
    exchange.gather(Half::kH, w_own.data(), w_block.data());  // for the next H half
    clock.stop();
    iterate_seconds = MPI_Wtime() - start;
  }
  result.seconds = MPI_Wtime() - start;
  loop_meter.finish(result.iterations - (first_iteration - 1));
  result.w_own = std::move(w_own);
  result.ht_own = std::move(ht_own);
  return result;
}

#define GRIDNMF_INSTANTIATE_MASKED(T)                                                        \
  template Factorization<T> run_masked_updates<T>(                                           \
      const ProcessGrid&, const Distribution&, const DataBlock<T>&, LocalMatrix<T>,          \
      LocalMatrix<T>, const SolverSettings&, const ProgressCallback&, const DriverControl<T>&);
GRIDNMF_INSTANTIATE_MASKED(double)
GRIDNMF_INSTANTIATE_MASKED(float)
#undef GRIDNMF_INSTANTIATE_MASKED

}  // namespace gridnmf
