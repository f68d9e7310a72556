#pragma once

#include <array>
#include <string>

namespace gridnmf::perf {

// The parts of a run the report times separately. The first six happen in the
// iteration loop; the rest around it.
enum class Phase {
  kGram,           // local Gram (or column sums) and its allreduce with the bundled scalars
  kAllgather,      // gathering W_i over the row, H_j over the column communicator
  kGemm,           // the products with the V block (other losses: the W_i H_j tiles too)
  kReduceScatter,  // summing the partial products over the grid line
  kLocalUpdate,    // MU / HALS / BPP update of the owned rows and columns
  kObjective,      // error, objective, projected gradient (replicated scalars)
  kInputRead,      // reading and checking the V block, statistics of V
  kOutputWrite,    // writing the result file
  kCheckpoint,     // writing checkpoints
  kInit,           // the starting W and H
};
inline constexpr int kPhaseCount = 10;

inline constexpr std::array<Phase, kPhaseCount> kAllPhases = {
    Phase::kGram,        Phase::kAllgather, Phase::kGemm,        Phase::kReduceScatter,
    Phase::kLocalUpdate, Phase::kObjective, Phase::kInputRead,   Phase::kOutputWrite,
    Phase::kCheckpoint,  Phase::kInit};

// The report's key: "gram", "allgather", "gemm", "reduce_scatter",
// "local_update", "objective", "input_read", "output_write", "checkpoint", "init".
std::string to_string(Phase phase);

// True for the phases that are communication (gram, allgather, reduce_scatter).
bool is_communication(Phase phase);

}  // namespace gridnmf::perf
