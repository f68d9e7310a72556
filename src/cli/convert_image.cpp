#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "convert_steps.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/path_identity.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// The HDF5 file type for a stored element type (little-endian, as h5py writes).
hid_t file_type_of(const std::string& stored) {
  if (stored == "uint8") return H5T_STD_U8LE;
  if (stored == "int8") return H5T_STD_I8LE;
  if (stored == "int16") return H5T_STD_I16LE;
  if (stored == "uint16") return H5T_STD_U16LE;
  if (stored == "int32") return H5T_STD_I32LE;
  if (stored == "uint32") return H5T_STD_U32LE;
  if (stored == "int64") return H5T_STD_I64LE;
  if (stored == "uint64") return H5T_STD_U64LE;
  if (stored == "float32") return H5T_IEEE_F32LE;
  return H5T_IEEE_F64LE;
}

// Bytes per element of a stored element type.
std::size_t bytes_of(const std::string& stored) {
  io::Hdf5Handle copy(H5Tcopy(file_type_of(stored)), H5Tclose, "cannot copy an HDF5 type");
  return H5Tget_size(copy.get());
}

// A 1-D float64 dataset written by rank 0; the others join with empty selections.
void write_vector(hid_t file, const std::string& name, const std::vector<double>& values,
                  bool is_writer) {
  const hsize_t extent[1] = {values.size()};
  io::Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe /" + name);
  io::Hdf5Handle data(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
                      H5Dclose, "cannot create /" + name);
  io::Hdf5Handle memory(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe /" + name);
  if (!is_writer) {
    H5Sselect_none(space.get());
    H5Sselect_none(memory.get());
  }
  io::Hdf5Handle transfer = io::collective_transfer();
  io::check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), transfer.get(),
                          values.data()),
                 "cannot write /" + name);
}

// The block goes through double, which holds every integer up to 2^53
// exactly and rounds larger ones: a 64-bit integer output with such values
// would not be a copy. Agreed, so every rank refuses together.
void refuse_inexact_integers(const ProcessGrid& grid, const LocalMatrix<double>& block,
                             const std::string& stored, const std::string& description) {
  if (stored != "int64" && stored != "uint64") return;
  double largest = 0.0;
  for (const double value : block.values) largest = std::max(largest, std::abs(value));
  comm::allreduce_max(grid.all(), &largest, 1);
  constexpr double kExactLimit = 9007199254740992.0;  // 2^53
  if (largest > kExactLimit) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", largest);
    throw Error(description + " holds " + stored + " values above 2^53 (up to about " + text +
                "), which convert would round (it copies through float64); factorize reads the "
                "file as it is, or convert with --precision float64 to accept the rounding");
  }
}

}  // namespace

void convert_image(const ConvertOptions& options) {
  if (!options.row_names.empty() || !options.col_names.empty()) {
    throw UsageError("--row-names and --col-names apply to Matrix Market and UCI docword input "
                     "only, not to '" + options.input + "'");
  }
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, 0);

  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  io::MatrixSource source = io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset);
  if (source.is_sparse()) {
    throw UsageError(options.input + " already holds a sparse matrix, which factorize reads as it is");
  }
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank == 0) reject_output_equal_to_input(options.output, source.files());
  });
  const io::MatrixShape shape = source.shape();
  const io::SourceMetadata& meta = source.metadata();
  const std::string stored =
      options.precision == "keep" ? source.stored_type() : options.precision;

  const GridShape grid_shape = choose_grid_shape(shape.rows, shape.cols, world_size);
  const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
  const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  // Every supported stored type is exact in double; HDF5 converts on write.
  const LocalMatrix<double> block = source.read_block<double>(rows, cols);
  const std::string description = source.description();
  const std::int64_t ignored = source.ignored_values();
  source.close();
  refuse_inexact_integers(grid, block, stored, description);

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "converted image";
  output.payload_bytes = shape.rows * shape.cols * static_cast<std::int64_t>(bytes_of(stored));
  io::write_hdf5_output(grid.all(), output, [&](hid_t file) {
    const hsize_t extent[2] = {static_cast<hsize_t>(shape.rows), static_cast<hsize_t>(shape.cols)};
    io::Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose,
                         "cannot describe /" + options.dataset);
    io::Hdf5Handle data(H5Dcreate2(file, options.dataset.c_str(), file_type_of(stored),
                                   space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        H5Dclose, "cannot create /" + options.dataset + " in " + options.output);
    io::write_block(data.get(), rows, cols, block);
    if (!meta.wavelengths.empty()) {
      write_vector(file, "wavelengths", meta.wavelengths, grid.rank() == 0);
    }
    if (meta.image_rows > 0) {
      io::write_attribute(file, "rows", meta.image_rows);
      io::write_attribute(file, "cols", meta.image_cols);
    }
    io::write_attribute(file, "bands", shape.rows);
    io::write_attribute(file, "pixels", shape.cols);
    io::write_attribute(file, "source", description);
    io::write_attribute(file, "source_format", source.format());
    if (!meta.wavelength_units.empty()) {
      io::write_attribute(file, "wavelength_units", meta.wavelength_units);
    }
    if (meta.data_ignore_value) {
      io::write_attribute(file, "data_ignore_value", *meta.data_ignore_value);
      io::write_attribute(file, "ignored_values_replaced", ignored);
    }
    io::write_attribute(file, "gridnmf_version", std::string(kVersion));
  });

  printer.message("converted " + description + ": " + std::to_string(shape.rows) + " bands x " +
                  std::to_string(shape.cols) + " pixels" +
                  (meta.image_rows > 0 ? " (" + std::to_string(meta.image_rows) + " x " +
                                             std::to_string(meta.image_cols) + " image)"
                                       : std::string()) +
                  " -> " + options.output + ":/" + options.dataset + " as " + stored);
  if (ignored > 0) {
    printer.message("read " + std::to_string(ignored) +
                    " values equal to the data ignore value as 0");
  }
}

}  // namespace gridnmf::cli
