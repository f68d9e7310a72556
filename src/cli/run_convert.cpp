#include <mpi.h>

#include <cstdint>
#include <filesystem>

#include "convert_steps.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/io/path_identity.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/idx_file.hpp"
#include "gridnmf/mpi/error.hpp"

namespace gridnmf::cli {

void reject_output_equal_to_input(const std::string& output,
                                  const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    // By identity, so another spelling or a hard link of an input is caught.
    if (io::same_file(output, input)) {
      throw UsageError("--output '" + output + "' is an input file ('" + input + "')");
    }
  }
}

void run_convert(const ConvertOptions& options) {
  io::silence_hdf5_errors();
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  // Rank 0 looks at the file; every rank takes the same branch.
  auto format = static_cast<std::int32_t>(io::TextMatrixFormat::kNone);
  std::int32_t idx = 0, folder = 0;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    std::error_code error;
    folder = std::filesystem::is_directory(options.input, error) ? 1 : 0;
    if (folder) return;
    idx = io::looks_like_idx(options.input) ? 1 : 0;
    if (!idx) format = static_cast<std::int32_t>(io::detect_text_matrix_format(options.input));
  });
  GRIDNMF_MPI_CHECK(MPI_Bcast(&folder, 1, MPI_INT32_T, 0, MPI_COMM_WORLD));
  if (folder) {
    convert_image_folder(options);
    return;
  }
  GRIDNMF_MPI_CHECK(MPI_Bcast(&idx, 1, MPI_INT32_T, 0, MPI_COMM_WORLD));
  if (idx) {
    convert_idx(options);
    return;
  }
  GRIDNMF_MPI_CHECK(MPI_Bcast(&format, 1, MPI_INT32_T, 0, MPI_COMM_WORLD));
  const auto detected = static_cast<io::TextMatrixFormat>(format);
  if (detected == io::TextMatrixFormat::kNone) {
    convert_image(options);
  } else {
    convert_sparse_text(options, detected);
  }
}

}  // namespace gridnmf::cli
