#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::io {

// What the checkpoint's run read as V, so that a resumed run can tell a
// replaced input of the same shape: the scale exponent of
// algorithms/data_scale.hpp and sum(V') and ||V'||^2 of V' = V * 2^exponent
// (so they stay finite for any finite V). Replicated.
struct InputFingerprint {
  bool known = false;  // false until the input is read, and in older checkpoints
  std::int64_t scale_exponent = 0;
  double sum = 0.0;
  double sum_of_squares = 0.0;
};

// Throws UsageError if `current` (the V just read) is not the matrix the
// checkpoint `path` was written for: another scale, or a sum or sum of squares
// that differs by more than a relative 1e-12 (the sums' rounding on another
// grid is far below). Passes when the checkpoint has no fingerprint. Replicated.
void check_same_data(const InputFingerprint& stored, const InputFingerprint& current,
                     const std::string& path);

// The options that define the problem a checkpoint belongs to. A resumed run
// must match every one; stopping rules, the grid and the rank count may change.
struct CheckpointProblem {
  std::string input;
  std::string dataset;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t rank = 0;
  std::string algorithm;
  std::string loss;
  std::string precision;
  double l1_w = 0.0, l2_w = 0.0, l1_h = 0.0, l2_h = 0.0;
  // gridnmf unmix's relative weights (--sum-to-one, --volume, --volume-floor,
  // --volume-epsilon); 0 for factorize, and in checkpoints that lack them.
  double sum_to_one = 0.0, volume = 0.0, volume_floor = 0.0, volume_epsilon = 0.0;
  // unmix's --sparsity as given ("auto" or a number); "0" for factorize and
  // in checkpoints that lack it (written before the option existed).
  std::string sparsity = "0";
  // Set once V is read; compared by check_same_data, not check_same_problem.
  InputFingerprint data;
  // --normalize changes V and --fix-w the problem; "none" and "" in
  // checkpoints that lack them.
  std::string normalize = "none";
  std::string fix_w;
  // "transposed" when V is the transpose of the stored matrix (--transpose,
  // or AnnData's default), else "as stored": a square input has the same
  // shape both ways.
  std::string orientation = "as stored";
};

// Throws UsageError naming the first option in which `stored` (read from the
// checkpoint `path`) differs from `current`. A current rank of 0 (unmix's
// --endmembers auto, known only once V is read) is not compared here; the
// caller checks the estimate against stored.rank. Replicated.
void check_same_problem(const CheckpointProblem& stored, const CheckpointProblem& current,
                        const std::string& path);

// Everything in a checkpoint besides /W and /H.
struct CheckpointHeader {
  CheckpointProblem problem;
  ResumeState state;  // iterations, history, convergence-monitor state
  std::uint64_t seed = 0;
  std::string grid;     // PRxPC of the run that wrote it
  std::string options;  // that run's full option set, for people
};

// Writes a checkpoint of the snapshot's iterate to `path`: /W and /H written
// collectively like a result, /history/, and root attributes for the header.
// It goes to a temporary file that is flushed (MPI_File_sync, then fsync) and
// renamed over `path`, so at every moment `path` holds a complete checkpoint,
// the new one or the previous one. Failures as in write_hdf5_output: a full
// disk is refused on every rank before the write; a failure inside the
// collective write makes the failing rank print one line and abort every rank
// with exit code 1; the previous checkpoint is left in place. Collective over
// grid.all().
//
// Test hook: GRIDNMF_TEST_CHECKPOINT_DELAY=SECONDS sleeps after the temporary
// file is complete and before the rename; GRIDNMF_TEST_CHECKPOINT_FAIL_RANK=R
// makes world rank R fail in the middle of the write.
template <typename T>
void write_checkpoint(const ProcessGrid& grid, const Distribution& dist, const std::string& path,
                      const CheckpointProblem& problem, std::uint64_t seed,
                      const std::string& options, const IterationSnapshot<T>& snapshot);

// Reads the header of an open checkpoint; throws Error naming `path` if it is
// not a gridnmf checkpoint. Collective over the file's communicator (every
// rank reads the same small values).
CheckpointHeader read_checkpoint_header(MPI_Comm comm, hid_t file, const std::string& path);

}  // namespace gridnmf::io
