// `gridnmf convert` of a folder of PNG or PGM images of equal size into the
// dense layout factorize reads: V = pixels x images, one column per file in
// name order. Every rank reads and writes its own contiguous range of files.
#include <mpi.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "convert_steps.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/column_block.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/pgm_file.hpp"
#include "gridnmf/io/png_file.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/mpi/error.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

// The image files of the folder (.png, .pgm), sorted by name.
std::vector<std::string> list_images(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string extension = lower_extension(entry.path());
    if ((extension == ".png" || extension == ".pgm") && entry.is_regular_file(error)) {
      names.push_back(entry.path().filename().string());
    }
  }
  if (error) throw Error("cannot list the folder '" + folder + "': " + error.message());
  if (names.empty()) {
    throw Error("the folder '" + folder + "' holds no .png or .pgm images");
  }
  std::sort(names.begin(), names.end());
  return names;
}

io::GreyImage read_image(const std::string& path) {
  return lower_extension(path) == ".png" ? io::read_png_grey(path) : io::read_pgm_grey(path);
}

// The names, sent from rank 0 to every rank as one '\n'-joined text.
std::vector<std::string> broadcast_names(std::vector<std::string> names) {
  std::string joined;
  for (const std::string& name : names) joined += name + "\n";
  std::int64_t size = static_cast<std::int64_t>(joined.size());
  comm::broadcast(MPI_COMM_WORLD, &size, 1);
  joined.resize(static_cast<std::size_t>(size));
  GRIDNMF_MPI_CHECK(MPI_Bcast(joined.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD));
  names.clear();
  std::size_t start = 0;
  for (std::size_t end; (end = joined.find('\n', start)) != std::string::npos; start = end + 1) {
    names.push_back(joined.substr(start, end - start));
  }
  return names;
}

}  // namespace

void convert_image_folder(const ConvertOptions& options) {
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, 0);
  if (!options.row_names.empty() || !options.col_names.empty() || !options.labels.empty()) {
    throw UsageError("--row-names, --col-names and --labels do not apply to an image folder ('" +
                     options.input + "'): its columns are the files in name order");
  }
  if (options.precision != "keep") {
    throw UsageError("--precision " + options.precision +
                     " does not apply to images: they are stored as uint8 or uint16, exactly");
  }
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  std::vector<std::string> names;
  // The first image sets the shape every other one must have.
  std::int64_t shape[2] = {0, 0};
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    names = list_images(options.input);
    if (std::filesystem::exists(options.output)) {
      std::vector<std::string> paths;
      for (const std::string& name : names) {
        paths.push_back((std::filesystem::path(options.input) / name).string());
      }
      reject_output_equal_to_input(options.output, paths);
    }
    const io::GreyImage first = read_image((std::filesystem::path(options.input) / names[0]).string());
    shape[0] = first.rows;
    shape[1] = first.cols;
  });
  names = broadcast_names(names);
  comm::broadcast(MPI_COMM_WORLD, shape, 2);
  const std::int64_t images = static_cast<std::int64_t>(names.size());
  const std::int64_t pixels = shape[0] * shape[1];

  // This rank's files: a contiguous range, so its columns are one hyperslab.
  const IndexRange mine = block_range(images, world_size, world_rank);
  std::vector<std::uint16_t> block(static_cast<std::size_t>(pixels * mine.size));
  std::int64_t depth = 8;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    for (std::int64_t j = 0; j < mine.size; ++j) {
      const std::string path = (std::filesystem::path(options.input) / names[mine.begin + j]).string();
      const io::GreyImage image = read_image(path);
      if (image.rows != shape[0] || image.cols != shape[1]) {
        throw Error("'" + path + "' is " + std::to_string(image.rows) + " x " +
                    std::to_string(image.cols) + " pixels, but '" + names[0] + "' is " +
                    std::to_string(shape[0]) + " x " + std::to_string(shape[1]) +
                    "; the images of a folder must have one size");
      }
      depth = std::max<std::int64_t>(depth, image.bit_depth);
      for (std::int64_t p = 0; p < pixels; ++p) block[p * mine.size + j] = image.values[p];
    }
  });
  comm::allreduce_max(MPI_COMM_WORLD, &depth, 1);
  const bool wide = depth > 8;

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "converted image folder";
  output.payload_bytes = pixels * images * (wide ? 2 : 1);
  io::write_hdf5_output(MPI_COMM_WORLD, output, [&](hid_t file) {
    io::write_column_block(file, options.output, options.dataset,
                           wide ? H5T_STD_U16LE : H5T_STD_U8LE, pixels, images, mine, block);
    io::write_attribute(file, "image_rows", shape[0]);
    io::write_attribute(file, "image_cols", shape[1]);
    io::write_attribute(file, "pixel_order", std::string("row-major: row r * image_cols + c of V"));
    io::write_attribute(file, "source", options.input);
    io::write_attribute(file, "source_format", std::string("image folder (png, pgm)"));
    io::write_attribute(file, "gridnmf_version", std::string(kVersion));
  });
  printer.message("converted " + options.input + ": " + std::to_string(images) + " images of " +
                  std::to_string(shape[0]) + " x " + std::to_string(shape[1]) + " pixels -> " +
                  options.output + ":/" + options.dataset + " (" + std::to_string(pixels) +
                  " pixels x " + std::to_string(images) + " images in name order, " +
                  (wide ? "uint16" : "uint8") + ")");
}

}  // namespace gridnmf::cli
