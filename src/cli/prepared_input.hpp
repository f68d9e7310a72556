#pragma once

// What factorize and unmix do with V between the read and the start: the
// scale, the statistics, and the check that a resumed run reads the data its
// checkpoint was written for. Private to cli/.
#include <optional>

#include "gridnmf/algorithms/data_scale.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/io/checkpoint.hpp"
#include "checkpointing.hpp"

namespace gridnmf::cli {

struct PreparedInput {
  InputScale scale;
  MatrixStatistics stats;  // of the scaled V
};

// Scales v_block in place (algorithms/data_scale.hpp), computes its
// statistics, records the fingerprint in checkpoint.problem.data and, when
// resuming, refuses data other than the checkpoint's (UsageError). Every
// decision is on replicated values. Collective over grid.all().
template <typename T>
PreparedInput prepare_input(const ProcessGrid& grid, DataBlock<T>& v_block, ScaleSplit split,
                            CheckpointContext& checkpoint,
                            const std::optional<io::CheckpointHeader>& resume_from,
                            const ProgressPrinter& printer);

// Refuses (UsageError, exit 2) a run without --resume whose --checkpoint file
// exists: the run would overwrite it with its first write. Collective over
// `comm` (agreed).
void refuse_existing_checkpoint(MPI_Comm comm, const CheckpointOptions& checkpoint);

}  // namespace gridnmf::cli
