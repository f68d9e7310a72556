// A run resumed from a checkpoint ends with the W and H of the uninterrupted
// run: bitwise on the same grid, to 1e-10 on another grid (another reduction
// order), for every algorithm and loss, with penalties and --pg-tol tracking.
#include <gtest/gtest.h>
#include <mpi.h>

#include <optional>
#include <string>

#include "distributed_helpers.hpp"
#include "distributed_run.hpp"
#include "run_folder.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/checkpoint.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::testing {
namespace {

constexpr int kIterations = 12;
constexpr int kCheckpointAt = 5;

struct Variant {
  const char* name;
  Algorithm algorithm;
  double beta;
  double penalty;
  double pg_tolerance;  // > 0 turns on the lagged projected-gradient term
};

const Variant kVariants[] = {
    {"mu", Algorithm::kMu, 2.0, 0.0, 0.0},
    {"hals_penalties", Algorithm::kHals, 2.0, 0.05, 0.0},
    {"bpp_pg", Algorithm::kBpp, 2.0, 0.0, 1e-300},
    {"mu_pg_penalties", Algorithm::kMu, 2.0, 0.1, 1e-300},
    {"kl", Algorithm::kMu, 1.0, 0.0, 0.0},
    {"beta_half_penalties", Algorithm::kMu, 0.5, 0.05, 0.0},
};

SolverSettings settings_for(const Variant& variant) {
  SolverSettings settings = fixed_iterations(variant.algorithm, kIterations);
  settings.loss.beta = variant.beta;
  settings.penalty_w = {variant.penalty, variant.penalty};
  settings.penalty_h = {variant.penalty, 2 * variant.penalty};
  settings.stopping.pg_tolerance = variant.pg_tolerance;
  return settings;
}

const SyntheticProblem kProblem{37, 23, 4, 0.05, 11};  // sizes that do not divide evenly

// The pieces a rank owns and the driver's state at one iteration.
struct Saved {
  LocalMatrix<double> w, ht;
  ResumeState state;
};

class Problem {
 public:
  explicit Problem(GridShape shape)
      : grid_(MPI_COMM_WORLD, shape),
        dist_(kProblem.rows, kProblem.cols, shape.rows, shape.cols),
        v_(synthetic_block<double>(kProblem, dist_.block_rows(grid_.row()),
                                   dist_.block_cols(grid_.col()))),
        stats_(global_statistics(grid_, v_)) {}

  const ProcessGrid& grid() const { return grid_; }
  const Distribution& dist() const { return dist_; }

  std::pair<LocalMatrix<double>, LocalMatrix<double>> start() const {
    const double scale = start_scale(kProblem);
    return {random_w_rows<double>(dist_.owned_w_rows(grid_.row(), grid_.col()), kProblem.rank,
                                  7, scale),
            random_ht_cols<double>(dist_.owned_h_cols(grid_.row(), grid_.col()), kProblem.rank,
                                   7, scale)};
  }

  Factorization<double> run(std::pair<LocalMatrix<double>, LocalMatrix<double>> factors,
                            const SolverSettings& settings,
                            const DriverControl<double>& control) const {
    return run_alternating_updates<double>(grid_, dist_, v_, stats_, std::move(factors.first),
                                           std::move(factors.second), settings, {}, control);
  }

 private:
  ProcessGrid grid_;
  Distribution dist_;
  DataBlock<double> v_;
  MatrixStatistics stats_;
};

// A hook that keeps the state at kCheckpointAt in memory.
DriverControl<double> keep_state_at_checkpoint(std::optional<Saved>& saved) {
  DriverControl<double> control;
  control.after_iteration = [&saved](const IterationSnapshot<double>& snapshot) {
    if (snapshot.iteration != kCheckpointAt) return;
    saved = Saved{snapshot.w_own, snapshot.ht_own,
                  ResumeState{snapshot.iteration, snapshot.history, snapshot.optimizer}};
  };
  return control;
}

void expect_same_history(const Factorization<double>& a, const Factorization<double>& b) {
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].iteration, b.history[i].iteration);
    EXPECT_EQ(a.history[i].objective, b.history[i].objective) << "iteration " << i + 1;
    EXPECT_EQ(a.history[i].relative_error, b.history[i].relative_error);
  }
}

TEST(CheckpointResume, SameGridIsBitwiseForEveryAlgorithmAndLoss) {
  for (const GridShape& shape : all_grid_shapes(world_size())) {
    const Problem run(shape);
    for (const Variant& variant : kVariants) {
      SCOPED_TRACE(shape.to_string() + " " + variant.name);
      const SolverSettings settings = settings_for(variant);
      const Factorization<double> straight = run.run(run.start(), settings, {});
      ASSERT_EQ(straight.iterations, kIterations);

      std::optional<Saved> saved;
      run.run(run.start(), settings, keep_state_at_checkpoint(saved));
      ASSERT_TRUE(saved.has_value());
      DriverControl<double> resume;
      resume.resume = saved->state;
      const Factorization<double> resumed =
          run.run({saved->w, saved->ht}, settings, resume);

      EXPECT_EQ(resumed.iterations, kIterations);
      EXPECT_EQ(resumed.w_own.values, straight.w_own.values);
      EXPECT_EQ(resumed.ht_own.values, straight.ht_own.values);
      expect_same_history(resumed, straight);
    }
  }
}

TEST(CheckpointResume, StopVoteOnOneRankStopsEveryRankAtTheSameIteration) {
  const Problem run(all_grid_shapes(world_size()).back());
  for (const Variant& variant : {kVariants[0], kVariants[4]}) {
    SCOPED_TRACE(variant.name);
    int calls = 0;
    DriverControl<double> control;
    // Only the last rank "receives the signal", during iteration 3.
    control.stop_requested = [&] { return ++calls >= 3 && run.grid().rank() == run.grid().size() - 1; };
    std::optional<StopReason> seen;
    control.after_iteration = [&](const IterationSnapshot<double>& s) { seen = s.stop; };
    const Factorization<double> result = run.run(run.start(), settings_for(variant), control);
    EXPECT_EQ(result.stop_reason, StopReason::kInterrupted);
    EXPECT_FALSE(result.converged());
    EXPECT_EQ(seen, StopReason::kInterrupted);
    int iterations[2] = {result.iterations, -result.iterations};
    MPI_Allreduce(MPI_IN_PLACE, iterations, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_EQ(iterations[0], -iterations[1]) << "ranks stopped at different iterations";
    EXPECT_LT(result.iterations, kIterations);
  }
}

// Through the file: written on the first grid shape, read on every shape.
TEST(CheckpointResume, CheckpointFileResumesOnAnyGrid) {
  io::silence_hdf5_errors();
  const RunFolder folder("gridnmf_resume_test");
  const std::string path = folder.file("checkpoint.h5");
  const std::vector<GridShape> shapes = all_grid_shapes(world_size());
  const io::CheckpointProblem problem{"memory", "V", kProblem.rows, kProblem.cols, kProblem.rank,
                                      "hals", "frobenius", "float64", 0.05, 0.05, 0.05, 0.1};
  const SolverSettings settings = settings_for(kVariants[1]);

  const Problem writer(shapes.front());
  const Factorization<double> straight = writer.run(writer.start(), settings, {});
  const reference::Dense w_straight = assemble_w(writer.grid(), writer.dist(), straight.w_own);
  const reference::Dense h_straight = assemble_h(writer.grid(), writer.dist(), straight.ht_own);
  DriverControl<double> control;
  control.after_iteration = [&](const IterationSnapshot<double>& snapshot) {
    if (snapshot.iteration == kCheckpointAt) {
      io::write_checkpoint(writer.grid(), writer.dist(), path, problem, 7, "options", snapshot);
    }
  };
  writer.run(writer.start(), settings, control);

  for (const GridShape& shape : shapes) {
    SCOPED_TRACE("resumed on " + shape.to_string());
    const Problem reader(shape);
    io::Hdf5Handle file = io::open_parallel_file(MPI_COMM_WORLD, path);
    const io::CheckpointHeader header = io::read_checkpoint_header(MPI_COMM_WORLD, file.get(), path);
    EXPECT_NO_THROW(io::check_same_problem(header.problem, problem, path));
    EXPECT_EQ(header.grid, shapes.front().to_string());
    EXPECT_EQ(header.seed, 7u);
    ASSERT_EQ(header.state.iterations, kCheckpointAt);
    const Distribution& dist = reader.dist();
    const int i = reader.grid().row(), j = reader.grid().col();
    auto w = io::read_w_rows<double>(MPI_COMM_WORLD, file.get(), path, "W", dist.rows(),
                                     kProblem.rank, dist.owned_w_rows(i, j));
    auto ht = io::read_h_cols<double>(MPI_COMM_WORLD, file.get(), path, "H", kProblem.rank,
                                      dist.cols(), dist.owned_h_cols(i, j));
    DriverControl<double> resume;
    resume.resume = header.state;
    const Factorization<double> resumed = reader.run({std::move(w), std::move(ht)}, settings, resume);
    const reference::Dense w_resumed = assemble_w(reader.grid(), dist, resumed.w_own);
    const reference::Dense h_resumed = assemble_h(reader.grid(), dist, resumed.ht_own);
    if (shape.rows == shapes.front().rows) {
      EXPECT_EQ(w_resumed.v, w_straight.v);
      EXPECT_EQ(h_resumed.v, h_straight.v);
    } else {
      EXPECT_LT(relative_difference(w_resumed, w_straight), 1e-10);
      EXPECT_LT(relative_difference(h_resumed, h_straight), 1e-10);
    }
    ASSERT_EQ(resumed.history.size(), straight.history.size());
    EXPECT_EQ(resumed.history[kCheckpointAt - 1].objective,
              straight.history[kCheckpointAt - 1].objective);
  }
  // Another problem is refused, naming the option.
  io::CheckpointProblem other = problem;
  other.l2_h = 0.2;
  try {
    io::check_same_problem(problem, other, path);
    ADD_FAILURE() << "a different --l2-h was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--l2-h was 0.10000000000000001, now 0.20000000000000001"),
              std::string::npos)
        << e.what();
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

// The stopping rules carry their state (previous objective, initial and
// lagged projected gradient) across the checkpoint: a resumed run stops at the
// same iteration, for the same reason, as the uninterrupted one.
TEST(CheckpointResume, StoppingRulesStopAtTheSameIterationAfterResume) {
  const Problem run(all_grid_shapes(world_size()).back());
  for (const bool use_pg : {false, true}) {
    bool tested = false;
    for (const double tolerance : {0.3, 0.1, 0.03, 0.01, 3e-3, 1e-3}) {
      SolverSettings settings = fixed_iterations(Algorithm::kMu, 150);
      (use_pg ? settings.stopping.pg_tolerance : settings.stopping.tolerance) = tolerance;
      const Factorization<double> straight = run.run(run.start(), settings, {});
      if (straight.iterations < 6 || straight.stop_reason == StopReason::kMaxIterations) continue;
      SCOPED_TRACE(std::string(use_pg ? "pg-tol " : "tol ") + std::to_string(tolerance));
      const int at = straight.iterations - 2;
      std::optional<Saved> saved;
      DriverControl<double> keep;
      keep.after_iteration = [&](const IterationSnapshot<double>& s) {
        if (s.iteration == at) saved = Saved{s.w_own, s.ht_own, {s.iteration, s.history, s.optimizer}};
      };
      run.run(run.start(), settings, keep);
      ASSERT_TRUE(saved.has_value());
      DriverControl<double> resume;
      resume.resume = saved->state;
      const Factorization<double> resumed = run.run({saved->w, saved->ht}, settings, resume);
      EXPECT_EQ(resumed.iterations, straight.iterations);
      EXPECT_EQ(resumed.stop_reason, straight.stop_reason);
      EXPECT_EQ(resumed.w_own.values, straight.w_own.values);
      tested = true;
      break;
    }
    EXPECT_TRUE(tested) << "no tolerance stopped the run after iteration 6";
  }
}

TEST(CheckpointResume, ResumingAtMaxIterationsReturnsTheCheckpointIterate) {
  const Problem run(all_grid_shapes(world_size()).front());
  std::optional<Saved> saved;
  const SolverSettings settings = settings_for(kVariants[0]);
  run.run(run.start(), settings, keep_state_at_checkpoint(saved));
  ASSERT_TRUE(saved.has_value());
  DriverControl<double> resume;
  resume.resume = saved->state;
  const Factorization<double> result =
      run.run({saved->w, saved->ht}, fixed_iterations(Algorithm::kMu, kCheckpointAt), resume);
  EXPECT_EQ(result.iterations, kCheckpointAt);
  EXPECT_EQ(result.stop_reason, StopReason::kMaxIterations);
  EXPECT_EQ(result.w_own.values, saved->w.values);
  EXPECT_EQ(result.history.size(), static_cast<size_t>(kCheckpointAt));
}

}  // namespace
}  // namespace gridnmf::testing
