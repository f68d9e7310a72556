// The bytes the comm layer counts inside the iteration loop equal the cost
// model of DESIGN.md section 1 (2 k (m/pr + n/pc) + 2 k^2 words, adjusted for
// what each rank owns), computed here from Distribution alone; the phase
// timers stay inside the loop time.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "distributed_helpers.hpp"
#include "distributed_run.hpp"
#include "gridnmf/comm/traffic.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "gridnmf/perf/traffic_model.hpp"

namespace gridnmf::testing {
namespace {

using comm::Collective;

struct Measured {
  perf::LoopRecord loop;
  perf::PhaseTimes phases;
  double loop_seconds = 0.0;
};

// Runs `iterations` iterations on `shape` and returns what this rank counted.
template <typename T>
Measured run_and_measure(GridShape shape, const SyntheticProblem& problem,
                         const SolverSettings& settings) {
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const DataBlock<T> v(synthetic_block<T>(problem, dist.block_rows(grid.row()),
                                              dist.block_cols(grid.col())));
  auto w = random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, 3, 0.5);
  auto ht = random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, 3, 0.5);
  const MatrixStatistics stats = global_statistics(grid, v);
  perf::phase_times().clear();
  perf::reset_loop_record();
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v, stats, std::move(w), std::move(ht), settings);
  return {perf::loop_record(), perf::phase_times(), result.seconds};
}

// What rank (i, j) gathers per iteration, in entries, from the ownership alone:
// the rows of W_i and the columns of H_j held by the other ranks of its line.
std::int64_t missing_entries(const Distribution& dist, int i, int j, std::int64_t k) {
  return k * ((dist.block_rows(i).size - dist.owned_w_rows(i, j).size) +
              (dist.block_cols(j).size - dist.owned_h_cols(i, j).size));
}

// What the other ranks of its lines gather from rank (i, j), in entries.
std::int64_t shared_entries(const Distribution& dist, int i, int j, std::int64_t k) {
  return k * (dist.owned_w_rows(i, j).size * (dist.grid_cols() - 1) +
              dist.owned_h_cols(i, j).size * (dist.grid_rows() - 1));
}

bool within(double measured, double model, double tolerance) {
  return std::abs(measured - model) <= tolerance * std::abs(model);
}

struct Case {
  std::int64_t m, n, k;
};
// Sizes that divide unevenly on every grid of 1-4 ranks.
constexpr Case kCases[] = {{53, 41, 5}, {38, 61, 7}};
constexpr int kIterations = 3;

template <typename T>
void check_frobenius_traffic_on_every_grid() {
  for (const Case& c : kCases) {
    const SyntheticProblem problem{c.m, c.n, c.k, 0.01, 11};
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE("grid " + shape.to_string() + ", " + std::to_string(c.m) + " x " +
                   std::to_string(c.n) + ", k " + std::to_string(c.k) + ", element bytes " +
                   std::to_string(sizeof(T)));
      const Measured got =
          run_and_measure<T>(shape, problem, fixed_iterations(Algorithm::kMu, kIterations));
      const Distribution dist(c.m, c.n, shape.rows, shape.cols);
      int me = 0;
      MPI_Comm_rank(MPI_COMM_WORLD, &me);
      const int i = me / shape.cols, j = me % shape.cols;
      const std::int64_t element = sizeof(T);
      const bool alone = shape.size() == 1;

      ASSERT_EQ(got.loop.iterations, kIterations);
      // Every iteration moves the same: the loop total is an exact multiple.
      const comm::Traffic per = got.loop.per_iteration_traffic();
      for (int kind = 0; kind < comm::kCollectiveKinds; ++kind) {
        EXPECT_EQ(got.loop.traffic.bytes[kind].sent, kIterations * per.bytes[kind].sent);
        EXPECT_EQ(got.loop.traffic.bytes[kind].received, kIterations * per.bytes[kind].received);
      }
      // Gathers and reduce-scatters: exactly the pieces the ownership implies.
      EXPECT_EQ(per[Collective::kAllgather].received, missing_entries(dist, i, j, c.k) * element);
      EXPECT_EQ(per[Collective::kAllgather].sent, shared_entries(dist, i, j, c.k) * element);
      EXPECT_EQ(per[Collective::kReduceScatter].sent, missing_entries(dist, i, j, c.k) * element);
      EXPECT_EQ(per[Collective::kReduceScatter].received, shared_entries(dist, i, j, c.k) * element);
      // Allreduce: the two k x k Gram matrices in double plus a few scalars.
      const std::int64_t grams = alone ? 0 : 2 * c.k * c.k * 8;
      EXPECT_GE(per[Collective::kAllreduce].sent, grams);
      EXPECT_LE(per[Collective::kAllreduce].sent, alone ? 0 : grams + 16 * 8);
      EXPECT_EQ(per[Collective::kAllreduce].sent, per[Collective::kAllreduce].received);

      // The DESIGN model for this rank within 5%: what it gathers, what it
      // reduce-scatters away, and the Gram allreduces.
      const double model =
          static_cast<double>(2 * missing_entries(dist, i, j, c.k) * element + grams);
      const double measured = static_cast<double>(per[Collective::kAllgather].received +
                                                  per[Collective::kReduceScatter].sent +
                                                  per[Collective::kAllreduce].sent);
      EXPECT_TRUE(within(measured, model, 0.05)) << "measured " << measured << " model " << model;
      EXPECT_DOUBLE_EQ(perf::model_rank_bytes_per_iteration(dist, i, j, c.k, element, Loss{}),
                       model);

      // Means over ranks: total sent and total received both match the
      // library's mean model (bytes sent by one rank are received by another).
      double totals[3] = {static_cast<double>(per.total().sent),
                          static_cast<double>(per.total().received), model};
      MPI_Allreduce(MPI_IN_PLACE, totals, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      const double mean_model = perf::model_bytes_per_iteration(dist, c.k, element, Loss{});
      EXPECT_NEAR(mean_model, totals[2] / shape.size(), 1e-9 * (1 + mean_model));
      EXPECT_DOUBLE_EQ(totals[0], totals[1]);
      EXPECT_TRUE(within(totals[0] / shape.size(), mean_model, 0.05));
      if (alone) EXPECT_EQ(per.total().sent + per.total().received, 0);
    }
  }
}

TEST(TrafficCounters, FrobeniusBytesPerIterationEqualTheModelOnEveryGrid) {
  check_frobenius_traffic_on_every_grid<double>();
}

TEST(TrafficCounters, Float32MovesFactorsInFourBytesAndGramsInEight) {
  check_frobenius_traffic_on_every_grid<float>();
}

// HALS and BPP use the same collectives as MU: same counts.
TEST(TrafficCounters, HalsAndBppMoveWhatMuMoves) {
  const SyntheticProblem problem{41, 29, 4, 0.01, 5};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE("grid " + shape.to_string());
    const comm::Traffic mu =
        run_and_measure<double>(shape, problem, fixed_iterations(Algorithm::kMu, 2))
            .loop.per_iteration_traffic();
    for (const Algorithm algorithm : {Algorithm::kHals, Algorithm::kBpp}) {
      const comm::Traffic other =
          run_and_measure<double>(shape, problem, fixed_iterations(algorithm, 2))
              .loop.per_iteration_traffic();
      for (int kind = 0; kind < comm::kCollectiveKinds; ++kind) {
        EXPECT_EQ(other.bytes[kind].sent, mu.bytes[kind].sent) << to_string(algorithm);
        EXPECT_EQ(other.bytes[kind].received, mu.bytes[kind].received) << to_string(algorithm);
      }
    }
  }
}

// KL: each iteration gathers the same pieces; the lagged evaluation adds one
// H-half reduce-scatter after the last iteration.
TEST(TrafficCounters, KullbackLeiblerLoopTotalsFollowFromTheOwnership) {
  const SyntheticProblem problem{37, 23, 4, 0.01, 2};
  SolverSettings settings = fixed_iterations(Algorithm::kMu, kIterations);
  settings.loss = Loss{1.0};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE("grid " + shape.to_string());
    const Measured got = run_and_measure<double>(shape, problem, settings);
    const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
    int me = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    const int i = me / shape.cols, j = me % shape.cols;
    const std::int64_t k = problem.rank;
    const std::int64_t h_missing =
        k * (dist.block_cols(j).size - dist.owned_h_cols(i, j).size) * 8;
    const comm::Traffic& total = got.loop.traffic;
    EXPECT_EQ(total[Collective::kAllgather].received,
              kIterations * missing_entries(dist, i, j, k) * 8);
    EXPECT_EQ(total[Collective::kReduceScatter].sent,
              kIterations * missing_entries(dist, i, j, k) * 8 + h_missing);
    EXPECT_EQ(total[Collective::kAllreduce].sent == 0, shape.size() == 1);
  }
}

// The loop's phases are timed only inside the loop, without overlap, so they
// add up to no more than the loop time; GEMM and the update always take time.
TEST(PhaseTimers, LoopPhasesFitInTheLoopTime) {
  const SyntheticProblem problem{120, 90, 6, 0.01, 4};
  for (const Loss loss : {Loss{2.0}, Loss{1.0}, Loss{0.5}}) {
    SolverSettings settings = fixed_iterations(Algorithm::kMu, 5);
    settings.loss = loss;
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE("grid " + shape.to_string() + ", loss " + to_string(loss));
      const Measured got = run_and_measure<double>(shape, problem, settings);
      double loop_phases = 0.0;
      for (const perf::Phase phase :
           {perf::Phase::kGram, perf::Phase::kAllgather, perf::Phase::kGemm,
            perf::Phase::kReduceScatter, perf::Phase::kLocalUpdate, perf::Phase::kObjective}) {
        EXPECT_GE(got.phases.seconds(phase), 0.0) << perf::to_string(phase);
        loop_phases += got.phases.seconds(phase);
      }
      EXPECT_GT(got.phases.seconds(perf::Phase::kGemm), 0.0);
      EXPECT_GT(got.phases.seconds(perf::Phase::kLocalUpdate), 0.0);
      EXPECT_LE(loop_phases, got.loop_seconds + 1e-6);
      EXPECT_LE(loop_phases, got.loop.seconds + 1e-6);
      EXPECT_NEAR(got.loop.seconds, got.loop_seconds, 1e-3);
      // The driver times no phase outside the loop.
      for (const perf::Phase phase : {perf::Phase::kInputRead, perf::Phase::kOutputWrite,
                                      perf::Phase::kCheckpoint, perf::Phase::kInit}) {
        EXPECT_EQ(got.phases.seconds(phase), 0.0) << perf::to_string(phase);
      }
      EXPECT_DOUBLE_EQ(got.phases.communication_seconds(),
                       got.phases.seconds(perf::Phase::kGram) +
                           got.phases.seconds(perf::Phase::kAllgather) +
                           got.phases.seconds(perf::Phase::kReduceScatter));
    }
  }
}

void busy_wait(double seconds) {
  const double until = MPI_Wtime() + seconds;
  while (MPI_Wtime() < until) {
  }
}

// ScopedPhase adds its lifetime; PhaseClock attributes each stretch to the
// phase entered last and nothing after stop().
TEST(PhaseTimers, ScopedPhaseAndPhaseClockAttributeTheirStretches) {
  const double global_checkpoint = perf::phase_times().seconds(perf::Phase::kCheckpoint);
  perf::PhaseTimes times;
  {
    perf::ScopedPhase scoped(perf::Phase::kCheckpoint, times);
    busy_wait(0.003);
  }
  EXPECT_GE(times.seconds(perf::Phase::kCheckpoint), 0.003);
  EXPECT_LT(times.seconds(perf::Phase::kCheckpoint), 1.0);

  perf::PhaseClock clock(perf::Phase::kInputRead, times);
  busy_wait(0.002);
  clock.enter(perf::Phase::kInit);
  busy_wait(0.004);
  clock.stop();
  const double read = times.seconds(perf::Phase::kInputRead);
  const double init = times.seconds(perf::Phase::kInit);
  busy_wait(0.002);
  clock.stop();  // a second stop adds nothing
  EXPECT_GE(read, 0.002);
  EXPECT_GE(init, 0.004);
  EXPECT_EQ(times.seconds(perf::Phase::kInputRead), read);
  EXPECT_EQ(times.seconds(perf::Phase::kInit), init);
  EXPECT_EQ(times.seconds(perf::Phase::kGemm), 0.0);
  // Timers given their own accumulator leave the process-wide one alone.
  EXPECT_EQ(perf::phase_times().seconds(perf::Phase::kCheckpoint), global_checkpoint);
}

}  // namespace
}  // namespace gridnmf::testing
