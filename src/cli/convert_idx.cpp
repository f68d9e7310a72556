// `gridnmf convert` of an IDX image set (MNIST, Fashion-MNIST) into the dense
// layout factorize reads: V = pixels x images. A plain file is read in
// parallel (each rank its images); a gzip stream by rank 0.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "convert_steps.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/column_block.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/idx_file.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// What rank 0 learns from the headers: the set's shape, and the labels.
struct ImageSet {
  std::int64_t images = 0, image_rows = 0, image_cols = 0;
  io::IdxHeader header;
  std::vector<std::int64_t> labels;
  std::string labels_path;
};

ImageSet describe_image_set(const ConvertOptions& options) {
  io::check_input_file(options.input, "--input");
  ImageSet set;
  set.header = io::read_idx_header(options.input);
  const std::vector<std::int64_t>& dims = set.header.dims;
  if (dims.size() != 3 && dims.size() != 2) {
    throw Error("'" + options.input + "' has " + std::to_string(dims.size()) +
                " dimensions; an image set has 3 (images x rows x columns) or 2 (images x "
                "pixels)");
  }
  set.images = dims[0];
  set.image_rows = dims[1];
  set.image_cols = dims.size() == 3 ? dims[2] : 1;
  set.labels_path = options.labels.empty() ? io::idx_labels_beside(options.input) : options.labels;
  if (!set.labels_path.empty()) {
    io::check_input_file(set.labels_path, "--labels");
    const io::IdxArray labels = io::read_idx_bytes(set.labels_path);
    if (labels.dims.size() != 1 || labels.dims[0] != set.images) {
      throw Error("'" + set.labels_path + "' holds " +
                  std::to_string(labels.dims.empty() ? 0 : labels.dims[0]) + " labels for " +
                  std::to_string(set.images) + " images in '" + options.input + "'");
    }
    set.labels.assign(labels.values.begin(), labels.values.end());
  }
  return set;
}

// Images [first, first + count) as pixels x count, row-major (V's layout).
std::vector<std::uint8_t> as_columns(const std::uint8_t* images, std::int64_t count,
                                     std::int64_t pixels) {
  std::vector<std::uint8_t> block(static_cast<std::size_t>(pixels * count));
  for (std::int64_t i = 0; i < count; ++i) {
    for (std::int64_t p = 0; p < pixels; ++p) block[p * count + i] = images[i * pixels + p];
  }
  return block;
}

}  // namespace

void convert_idx(const ConvertOptions& options) {
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, 0);
  if (!options.row_names.empty() || !options.col_names.empty()) {
    throw UsageError("--row-names and --col-names apply to Matrix Market and UCI docword input "
                     "only, not to '" + options.input + "'");
  }
  if (options.precision != "keep") {
    throw UsageError("--precision " + options.precision +
                     " does not apply to IDX images: they are stored as uint8, exactly");
  }
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  ImageSet set;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    set = describe_image_set(options);
    reject_output_equal_to_input(options.output, {options.input, set.labels_path});
  });
  std::int64_t shape[6] = {set.images, set.image_rows, set.image_cols,
                           static_cast<std::int64_t>(set.labels.size()),
                           static_cast<std::int64_t>(set.header.dims.size()),
                           set.header.compressed ? 1 : 0};
  comm::broadcast(MPI_COMM_WORLD, shape, 6);
  const std::int64_t pixels = shape[1] * shape[2];
  set.labels.resize(static_cast<std::size_t>(shape[3]));
  comm::broadcast(MPI_COMM_WORLD, set.labels.data(), shape[3]);
  set.header.data_offset = 4 + 4 * shape[4];
  const bool compressed = shape[5] != 0;

  // A plain file is read by every rank, a contiguous range of images each
  // (its columns of V); a gzip stream by rank 0 alone.
  const IndexRange mine = compressed ? IndexRange{0, world_rank == 0 ? shape[0] : 0}
                                     : block_range(shape[0], world_size, world_rank);
  std::vector<std::uint8_t> block;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (mine.size == 0) return;
    if (compressed) {
      const io::IdxArray images = io::read_idx_bytes(options.input);
      block = as_columns(images.values.data(), mine.size, pixels);
    } else {
      const std::vector<std::uint8_t> images =
          io::read_idx_values(options.input, set.header, mine.begin * pixels, mine.size * pixels);
      block = as_columns(images.data(), mine.size, pixels);
    }
  });

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "converted image set";
  output.payload_bytes = pixels * shape[0] + shape[3] * 8;
  const bool writer = world_rank == 0;
  io::write_hdf5_output(MPI_COMM_WORLD, output, [&](hid_t file) {
    io::write_column_block(file, options.output, options.dataset, H5T_STD_U8LE, pixels, shape[0],
                           mine, block);
    if (shape[3] > 0) io::write_vector_dataset(file, "col_labels", set.labels, writer);
    io::write_attribute(file, "image_rows", shape[1]);
    io::write_attribute(file, "image_cols", shape[2]);
    io::write_attribute(file, "pixel_order", std::string("row-major: row r * image_cols + c of V"));
    io::write_attribute(file, "source", options.input);
    io::write_attribute(file, "source_format", std::string("idx"));
    io::write_attribute(file, "gridnmf_version", std::string(kVersion));
  });
  printer.message("converted " + options.input + ": " + std::to_string(shape[0]) + " images of " +
                  std::to_string(shape[1]) + " x " + std::to_string(shape[2]) + " pixels -> " +
                  options.output + ":/" + options.dataset + " (" + std::to_string(pixels) +
                  " pixels x " + std::to_string(shape[0]) + " images, uint8)" +
                  (shape[3] > 0 ? ", labels from " + set.labels_path + " as /col_labels" : ""));
}

}  // namespace gridnmf::cli
