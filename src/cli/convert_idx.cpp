// `gridnmf convert` of an IDX image set (MNIST, Fashion-MNIST) into the dense
// layout factorize reads: V = pixels x images.
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
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/idx_file.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// What rank 0 read: the images as V (pixels x images, row-major) and labels.
struct ImageSet {
  std::int64_t images = 0, image_rows = 0, image_cols = 0;
  std::vector<std::uint8_t> v;  // rank 0 only
  std::vector<std::int64_t> labels;
  std::string labels_path;
};

ImageSet read_image_set(const ConvertOptions& options) {
  io::check_input_file(options.input, "--input");
  const io::IdxArray images = io::read_idx_bytes(options.input);
  if (images.dims.size() != 3 && images.dims.size() != 2) {
    throw Error("'" + options.input + "' has " + std::to_string(images.dims.size()) +
                " dimensions; an image set has 3 (images x rows x columns) or 2 (images x "
                "pixels)");
  }
  ImageSet set;
  set.images = images.dims[0];
  set.image_rows = images.dims[1];
  set.image_cols = images.dims.size() == 3 ? images.dims[2] : 1;
  const std::int64_t pixels = set.image_rows * set.image_cols;
  set.v.resize(images.values.size());
  for (std::int64_t i = 0; i < set.images; ++i) {
    for (std::int64_t p = 0; p < pixels; ++p) set.v[p * set.images + i] = images.values[i * pixels + p];
  }
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

}  // namespace

void convert_idx(const ConvertOptions& options) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
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
    set = read_image_set(options);
    reject_output_equal_to_input(options.output, {options.input, set.labels_path});
  });
  std::int64_t shape[4] = {set.images, set.image_rows, set.image_cols,
                           static_cast<std::int64_t>(set.labels.size())};
  comm::broadcast(MPI_COMM_WORLD, shape, 4);
  const std::int64_t pixels = shape[1] * shape[2];
  set.labels.resize(static_cast<std::size_t>(shape[3]));
  comm::broadcast(MPI_COMM_WORLD, set.labels.data(), shape[3]);

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "converted image set";
  output.payload_bytes = pixels * shape[0] + shape[3] * 8;
  const bool writer = world_rank == 0;
  io::write_hdf5_output(MPI_COMM_WORLD, output, [&](hid_t file) {
    const hsize_t extent[2] = {static_cast<hsize_t>(pixels), static_cast<hsize_t>(shape[0])};
    io::Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose,
                         "cannot describe /" + options.dataset);
    io::Hdf5Handle data(H5Dcreate2(file, options.dataset.c_str(), H5T_STD_U8LE, space.get(),
                                   H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        H5Dclose, "cannot create /" + options.dataset + " in " + options.output);
    io::Hdf5Handle memory(H5Screate_simple(2, extent, nullptr), H5Sclose,
                          "cannot describe /" + options.dataset);
    if (!writer) {
      H5Sselect_none(space.get());
      H5Sselect_none(memory.get());
    }
    io::Hdf5Handle transfer = io::collective_transfer();
    io::check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_UINT8, memory.get(), space.get(),
                            transfer.get(), writer ? set.v.data() : nullptr),
                   "cannot write /" + options.dataset + " in " + options.output);
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
