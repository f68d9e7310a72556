#include "gridnmf/io/checkpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/path_identity.hpp"
#include "gridnmf/io/result_writer.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::io {

namespace {

// Records at increasing iterations from 1, the last at most `iterations`;
// a run that records every iteration has exactly `iterations` of them.
bool history_fits(const std::vector<IterationRecord>& history, int iterations) {
  if (iterations < 0 || history.size() > static_cast<size_t>(iterations)) return false;
  int previous = 0;
  for (const IterationRecord& record : history) {
    if (record.iteration <= previous || record.iteration > iterations) return false;
    previous = record.iteration;
  }
  return true;
}

const char* kFormat = "gridnmf checkpoint";
constexpr std::int64_t kFormatVersion = 1;
// Randomness is a function of (seed, stream, global index) and is used only
// for the start, so the seed is the whole generator state.
const char* kRngNote =
    "counter-based: every random value is a function of (seed, global index); "
    "nothing is drawn after initialisation, so the seed is the whole state";

std::string number_text(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

double test_delay_seconds() {
  const char* text = std::getenv("GRIDNMF_TEST_CHECKPOINT_DELAY");
  return text != nullptr ? std::atof(text) : 0.0;
}

bool test_failure_here() {
  const char* text = std::getenv("GRIDNMF_TEST_CHECKPOINT_FAIL_RANK");
  if (text == nullptr) return false;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return std::atoi(text) == rank;
}

template <typename T>
void write_contents(hid_t file, const ProcessGrid& grid, const Distribution& dist,
                    const CheckpointProblem& problem, std::uint64_t seed,
                    const std::string& options, const IterationSnapshot<T>& snapshot) {
  const std::int64_t k = snapshot.w_own.cols;
  Hdf5Handle w = create_matrix_dataset<T>(file, "W", dist.rows(), k);
  if (test_failure_here()) throw Error("test failure requested by GRIDNMF_TEST_CHECKPOINT_FAIL_RANK");
  write_w_rows(w.get(), dist.owned_w_rows(grid.row(), grid.col()), snapshot.w_own);
  Hdf5Handle h = create_matrix_dataset<T>(file, "H", k, dist.cols());
  write_h_cols(h.get(), dist.owned_h_cols(grid.row(), grid.col()), snapshot.ht_own);
  write_history(file, snapshot.history, grid.rank() == 0);

  write_attribute(file, "format", std::string(kFormat));
  write_attribute(file, "format_version", kFormatVersion);
  write_attribute(file, "gridnmf_version", std::string(kVersion));
  write_attribute(file, "iterations", static_cast<std::int64_t>(snapshot.iteration));
  write_attribute(file, "previous_objective", snapshot.optimizer.previous_objective);
  write_attribute(file, "initial_pg_norm", snapshot.optimizer.initial_pg_norm);
  write_attribute(file, "lagged_pg_squared_w", snapshot.optimizer.lagged_pg_squared_w);
  write_attribute(file, "step_w", snapshot.optimizer.step_w);
  write_attribute(file, "step_h", snapshot.optimizer.step_h);
  write_attribute(file, "seed", static_cast<std::int64_t>(seed));
  write_attribute(file, "rng", std::string(kRngNote));
  write_attribute(file, "grid", grid.shape().to_string());
  write_attribute(file, "input", problem.input);
  write_attribute(file, "dataset", problem.dataset);
  write_attribute(file, "rows", problem.rows);
  write_attribute(file, "cols", problem.cols);
  write_attribute(file, "rank", problem.rank);
  write_attribute(file, "algorithm", problem.algorithm);
  write_attribute(file, "loss", problem.loss);
  write_attribute(file, "precision", problem.precision);
  write_attribute(file, "l1_w", problem.l1_w);
  write_attribute(file, "l2_w", problem.l2_w);
  write_attribute(file, "l1_h", problem.l1_h);
  write_attribute(file, "l2_h", problem.l2_h);
  write_attribute(file, "sum_to_one", problem.sum_to_one);
  write_attribute(file, "volume", problem.volume);
  write_attribute(file, "volume_floor", problem.volume_floor);
  write_attribute(file, "volume_epsilon", problem.volume_epsilon);
  write_attribute(file, "sparsity", problem.sparsity);
  write_attribute(file, "normalize", problem.normalize);
  write_attribute(file, "fix_w", problem.fix_w);
  write_attribute(file, "sparseness_w", problem.sparseness_w);
  write_attribute(file, "sparseness_h", problem.sparseness_h);
  write_attribute(file, "orientation", problem.orientation);
  write_attribute(file, "options", options);
  if (problem.data.known) {
    write_attribute(file, "v_scale_exponent", problem.data.scale_exponent);
    write_attribute(file, "v_sum", problem.data.sum);
    write_attribute(file, "v_sum_of_squares", problem.data.sum_of_squares);
  }
  if (!snapshot.history.empty()) {
    write_attribute(file, "relative_error", snapshot.history.back().relative_error);
    write_attribute(file, "objective", snapshot.history.back().objective);
  }
}

}  // namespace

void check_same_problem(const CheckpointProblem& stored, const CheckpointProblem& current,
                        const std::string& path) {
  const auto refuse = [&](const std::string& option, const std::string& then,
                          const std::string& now) {
    throw UsageError("checkpoint '" + path + "' belongs to another problem: " + option + " was " +
                     then + ", now " + now + " (resume with the same " + option +
                     " or start without --resume)");
  };
  // By identity: "./in.h5" and "in.h5" are one input.
  if (stored.input != current.input && !same_file(stored.input, current.input)) {
    refuse("--input", stored.input, current.input);
  }
  if (stored.dataset != current.dataset) refuse("--dataset", stored.dataset, current.dataset);
  if (stored.rows != current.rows || stored.cols != current.cols) {
    refuse("matrix shape", std::to_string(stored.rows) + " x " + std::to_string(stored.cols),
           std::to_string(current.rows) + " x " + std::to_string(current.cols));
  }
  if (stored.rank != current.rank && current.rank != 0) {  // 0: estimated later
    refuse("--rank", std::to_string(stored.rank), std::to_string(current.rank));
  }
  if (stored.algorithm != current.algorithm) {
    refuse("--algorithm", stored.algorithm, current.algorithm);
  }
  if (stored.loss != current.loss) refuse("--loss", stored.loss, current.loss);
  if (stored.precision != current.precision) {
    refuse("--precision", stored.precision, current.precision);
  }
  if (stored.normalize != current.normalize) {
    refuse("--normalize", stored.normalize, current.normalize);
  }
  if (stored.orientation != current.orientation) {
    refuse("--transpose", stored.orientation, current.orientation);
  }
  if (stored.fix_w != current.fix_w &&
      (stored.fix_w.empty() || current.fix_w.empty() || !same_file(stored.fix_w, current.fix_w))) {
    refuse("--fix-w", stored.fix_w, current.fix_w);
  }
  const std::pair<const char*, std::pair<double, double>> penalties[] = {
      {"--l1-w", {stored.l1_w, current.l1_w}}, {"--l2-w", {stored.l2_w, current.l2_w}},
      {"--l1-h", {stored.l1_h, current.l1_h}}, {"--l2-h", {stored.l2_h, current.l2_h}},
      {"--sum-to-one", {stored.sum_to_one, current.sum_to_one}},
      {"--volume", {stored.volume, current.volume}},
      {"--volume-floor", {stored.volume_floor, current.volume_floor}},
      {"--volume-epsilon", {stored.volume_epsilon, current.volume_epsilon}},
      {"--sparseness-w", {stored.sparseness_w, current.sparseness_w}},
      {"--sparseness-h", {stored.sparseness_h, current.sparseness_h}}};
  for (const auto& [option, values] : penalties) {
    if (values.first != values.second) {
      refuse(option, number_text(values.first), number_text(values.second));
    }
  }
  if (stored.sparsity != current.sparsity) {
    refuse("--sparsity", stored.sparsity, current.sparsity);
  }
}

void check_same_data(const InputFingerprint& stored, const InputFingerprint& current,
                     const std::string& path) {
  if (!stored.known || !current.known) return;
  const auto differs = [](double then, double now) {
    return std::abs(then - now) > 1e-12 * std::max(std::abs(then), std::abs(now));
  };
  std::string difference;
  if (stored.scale_exponent != current.scale_exponent) {
    difference = "scaled by 2^" + std::to_string(stored.scale_exponent) + " then, 2^" +
                 std::to_string(current.scale_exponent) + " now";
  } else if (differs(stored.sum, current.sum)) {
    difference = "sum " + number_text(stored.sum) + " then, " + number_text(current.sum) + " now";
  } else if (differs(stored.sum_of_squares, current.sum_of_squares)) {
    difference = "sum of squares " + number_text(stored.sum_of_squares) + " then, " +
                 number_text(current.sum_of_squares) + " now";
  }
  if (!difference.empty()) {
    throw UsageError("checkpoint '" + path + "' was written for other data: the input has the " +
                     "same shape but another " + difference +
                     "; resume with the matrix it was written for, or start without --resume");
  }
}

template <typename T>
void write_checkpoint(const ProcessGrid& grid, const Distribution& dist, const std::string& path,
                      const CheckpointProblem& problem, std::uint64_t seed,
                      const std::string& options, const IterationSnapshot<T>& snapshot) {
  Hdf5Output output;
  output.path = path;
  output.what = "checkpoint";
  output.payload_bytes = (dist.rows() + dist.cols()) * snapshot.w_own.cols *
                             static_cast<std::int64_t>(sizeof(T)) +
                         static_cast<std::int64_t>(snapshot.history.size()) * 32;
  output.durable = true;
  output.before_commit = [] {
    if (const double delay = test_delay_seconds(); delay > 0) {
      usleep(static_cast<useconds_t>(delay * 1e6));
    }
  };
  write_hdf5_output(grid.all(), output, [&](hid_t file) {
    write_contents(file, grid, dist, problem, seed, options, snapshot);
    check_hdf5(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush the checkpoint");
  });
}

CheckpointHeader read_checkpoint_header(MPI_Comm comm, hid_t file, const std::string& path) {
  CheckpointHeader header;
  comm::agree_on_failure(comm, [&] {
    try {
      if (H5Aexists(file, "format") <= 0 || read_string_attribute(file, "format") != kFormat) {
        throw Error("it has no 'format = " + std::string(kFormat) + "' attribute");
      }
      const std::int64_t version = read_int_attribute(file, "format_version");
      if (version != kFormatVersion) {
        throw Error("its format version " + std::to_string(version) + " is not " +
                    std::to_string(kFormatVersion));
      }
      CheckpointProblem& problem = header.problem;
      problem.input = read_string_attribute(file, "input");
      problem.dataset = read_string_attribute(file, "dataset");
      problem.rows = read_int_attribute(file, "rows");
      problem.cols = read_int_attribute(file, "cols");
      problem.rank = read_int_attribute(file, "rank");
      problem.algorithm = read_string_attribute(file, "algorithm");
      problem.loss = read_string_attribute(file, "loss");
      problem.precision = read_string_attribute(file, "precision");
      problem.l1_w = read_double_attribute(file, "l1_w");
      problem.l2_w = read_double_attribute(file, "l2_w");
      problem.l1_h = read_double_attribute(file, "l1_h");
      problem.l2_h = read_double_attribute(file, "l2_h");
      problem.sum_to_one = read_double_attribute_or(file, "sum_to_one", 0.0);
      problem.volume = read_double_attribute_or(file, "volume", 0.0);
      problem.volume_floor = read_double_attribute_or(file, "volume_floor", 0.0);
      problem.volume_epsilon = read_double_attribute_or(file, "volume_epsilon", 0.0);
      problem.sparseness_w = read_double_attribute_or(file, "sparseness_w", 0.0);
      problem.sparseness_h = read_double_attribute_or(file, "sparseness_h", 0.0);
      if (H5Aexists(file, "v_sum") > 0) {
        problem.data.known = true;
        problem.data.scale_exponent = read_int_attribute(file, "v_scale_exponent");
        problem.data.sum = read_double_attribute(file, "v_sum");
        problem.data.sum_of_squares = read_double_attribute(file, "v_sum_of_squares");
      }
      if (H5Aexists(file, "normalize") > 0) {
        problem.normalize = read_string_attribute(file, "normalize");
      }
      if (H5Aexists(file, "sparsity") > 0) {
        problem.sparsity = read_string_attribute(file, "sparsity");
      }
      if (H5Aexists(file, "fix_w") > 0) problem.fix_w = read_string_attribute(file, "fix_w");
      if (H5Aexists(file, "orientation") > 0) {
        problem.orientation = read_string_attribute(file, "orientation");
      }
      ResumeState& state = header.state;
      state.iterations = static_cast<int>(read_int_attribute(file, "iterations"));
      state.optimizer.previous_objective = read_double_attribute(file, "previous_objective");
      state.optimizer.initial_pg_norm = read_double_attribute(file, "initial_pg_norm");
      state.optimizer.lagged_pg_squared_w = read_double_attribute(file, "lagged_pg_squared_w");
      state.optimizer.step_w = read_double_attribute_or(file, "step_w", 0.0);
      state.optimizer.step_h = read_double_attribute_or(file, "step_h", 0.0);
      state.history = read_history(file);
      // One record per evaluated iteration, increasing, none past the iterate
      // (dense KL evaluates only some iterations).
      if (!history_fits(state.history, state.iterations)) {
        throw Error("its iteration count " + std::to_string(state.iterations) +
                    " does not match its history");
      }
      header.seed = static_cast<std::uint64_t>(read_int_attribute(file, "seed"));
      header.grid = read_string_attribute(file, "grid");
      header.options = read_string_attribute(file, "options");
    } catch (const Error& e) {
      throw Error("'" + path + "' is not a usable gridnmf checkpoint: " + e.what());
    }
  });
  return header;
}

template void write_checkpoint<double>(const ProcessGrid&, const Distribution&,
                                       const std::string&, const CheckpointProblem&,
                                       std::uint64_t, const std::string&,
                                       const IterationSnapshot<double>&);
template void write_checkpoint<float>(const ProcessGrid&, const Distribution&, const std::string&,
                                      const CheckpointProblem&, std::uint64_t,
                                      const std::string&, const IterationSnapshot<float>&);

}  // namespace gridnmf::io
