#include "gridnmf/perf/phase.hpp"

namespace gridnmf::perf {

std::string to_string(Phase phase) {
  switch (phase) {
    case Phase::kGram:
      return "gram";
    case Phase::kAllgather:
      return "allgather";
    case Phase::kGemm:
      return "gemm";
    case Phase::kReduceScatter:
      return "reduce_scatter";
    case Phase::kLocalUpdate:
      return "local_update";
    case Phase::kObjective:
      return "objective";
    case Phase::kInputRead:
      return "input_read";
    case Phase::kOutputWrite:
      return "output_write";
    case Phase::kCheckpoint:
      return "checkpoint";
    case Phase::kInit:
      return "init";
  }
  return "unknown";
}

bool is_communication(Phase phase) {
  return phase == Phase::kGram || phase == Phase::kAllgather || phase == Phase::kReduceScatter;
}

}  // namespace gridnmf::perf
