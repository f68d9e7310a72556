#include "prepared_input.hpp"

#include <filesystem>
#include <system_error>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf::cli {

template <typename T>
PreparedInput prepare_input(const ProcessGrid& grid, DataBlock<T>& v_block, ScaleSplit split,
                            CheckpointContext& checkpoint,
                            const std::optional<io::CheckpointHeader>& resume_from,
                            const ProgressPrinter& printer) {
  PreparedInput prepared;
  prepared.scale = choose_input_scale(grid, v_block, split);
  v_block.scale_by_power_of_two(prepared.scale.exponent);
  prepared.stats = global_statistics(grid, v_block);
  if (prepared.scale.scaled()) {
    printer.message("V is far from 1 (largest entry near 2^" +
                    std::to_string(-prepared.scale.exponent) + "): computing with V * 2^" +
                    std::to_string(prepared.scale.exponent) +
                    " (exact), W and H are written in V's own scale");
  }
  io::InputFingerprint& fingerprint = checkpoint.problem.data;
  fingerprint.known = true;
  fingerprint.scale_exponent = prepared.scale.exponent;
  fingerprint.sum = prepared.stats.sum;
  fingerprint.sum_of_squares = prepared.stats.sum_of_squares;
  if (resume_from) {
    io::check_same_data(resume_from->problem.data, fingerprint, checkpoint.options.path);
  }
  return prepared;
}

void refuse_existing_checkpoint(MPI_Comm comm, const CheckpointOptions& checkpoint) {
  if (!checkpoint.enabled() || checkpoint.resume) return;
  comm::agree_on_failure(comm, [&] {
    std::error_code error;
    if (std::filesystem::exists(checkpoint.path, error)) {
      throw UsageError("--checkpoint '" + checkpoint.path +
                       "' already exists: pass --resume to continue from it, or remove it to "
                       "start over");
    }
  });
}

template PreparedInput prepare_input<double>(const ProcessGrid&, DataBlock<double>&, ScaleSplit,
                                             CheckpointContext&,
                                             const std::optional<io::CheckpointHeader>&,
                                             const ProgressPrinter&);
template PreparedInput prepare_input<float>(const ProcessGrid&, DataBlock<float>&, ScaleSplit,
                                            CheckpointContext&,
                                            const std::optional<io::CheckpointHeader>&,
                                            const ProgressPrinter&);

}  // namespace gridnmf::cli
