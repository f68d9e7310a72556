// `gridnmf images`: the picture of a result's components.
#include <mpi.h>

#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/png_file.hpp"
#include "gridnmf/io/serial_file.hpp"
#include "gridnmf/local/sparseness_projection.hpp"
#include "gridnmf/picture/component_picture.hpp"

namespace gridnmf::cli {

namespace {

struct ImageShape {
  std::int64_t rows = 0, cols = 0;
};

// image_rows / image_cols attributes of an HDF5 file's root; {0, 0} when absent.
ImageShape shape_attributes(const std::string& path) {
  io::Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                      "cannot open '" + path + "' as HDF5");
  if (H5Aexists(file.get(), "image_rows") <= 0 || H5Aexists(file.get(), "image_cols") <= 0) {
    return {};
  }
  return {io::read_int_attribute(file.get(), "image_rows"),
          io::read_int_attribute(file.get(), "image_cols")};
}

ImageShape parse_shape(const std::string& text) {
  const auto x = text.find('x');
  try {
    if (x != std::string::npos) {
      std::size_t used_rows = 0, used_cols = 0;
      const long long rows = std::stoll(text.substr(0, x), &used_rows);
      const long long cols = std::stoll(text.substr(x + 1), &used_cols);
      if (used_rows == x && used_cols == text.size() - x - 1 && rows > 0 && cols > 0) {
        return {rows, cols};
      }
    }
  } catch (const std::exception&) {
  }
  throw UsageError("--shape must be ROWSxCOLS with positive numbers, got '" + text + "'");
}

// The image shape: --shape, else the result's attributes, else its input's.
ImageShape image_shape(const ImagesOptions& options, const std::string& input,
                       std::int64_t pixels) {
  ImageShape shape;
  std::string from = "--shape";
  if (!options.shape.empty()) {
    shape = parse_shape(options.shape);
  } else {
    shape = shape_attributes(options.result);
    from = options.result;
    if (shape.rows == 0 && !input.empty()) {
      io::check_input_file(input, "--input");
      shape = shape_attributes(input);
      from = input;
    }
    if (shape.rows == 0) {
      throw Error("no image shape: neither '" + options.result + "' nor its input '" + input +
                  "' has image_rows/image_cols attributes; give --shape ROWSxCOLS");
    }
  }
  if (shape.rows * shape.cols != pixels) {
    throw Error("the image shape " + std::to_string(shape.rows) + " x " +
                std::to_string(shape.cols) + " (from " + from + ") does not fit the " +
                std::to_string(pixels) + " rows of /W in '" + options.result + "'");
  }
  return shape;
}

// Columns `picked` of a 2-D dataset, as a rows x picked.size() matrix.
LocalMatrix<double> read_columns(const std::string& path, const std::string& dataset,
                                 const std::vector<std::int64_t>& picked, std::int64_t rows) {
  io::Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                      "cannot open '" + path + "' as HDF5");
  io::Hdf5Handle data(H5Dopen2(file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose,
                      "'" + path + "' has no dataset /" + dataset + " (give --input/--dataset)");
  io::Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read /" + dataset);
  hsize_t extent[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
      H5Sget_simple_extent_dims(space.get(), extent, nullptr) != 2 ||
      static_cast<std::int64_t>(extent[0]) != rows) {
    throw Error("/" + dataset + " in '" + path + "' is not a 2-D dataset with " +
                std::to_string(rows) + " rows, as /W of the result");
  }
  LocalMatrix<double> columns(rows, static_cast<std::int64_t>(picked.size()));
  std::vector<double> column(static_cast<std::size_t>(rows));
  for (std::size_t j = 0; j < picked.size(); ++j) {
    const hsize_t start[2] = {0, static_cast<hsize_t>(picked[j])};
    const hsize_t count[2] = {static_cast<hsize_t>(rows), 1};
    io::check_hdf5(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
                   "cannot select a column of /" + dataset);
    io::Hdf5Handle memory(H5Screate_simple(2, count, nullptr), H5Sclose, "cannot read /" + dataset);
    io::check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT,
                           column.data()),
                   "cannot read column " + std::to_string(picked[j]) + " of /" + dataset + " in '" +
                       path + "'");
    for (std::int64_t p = 0; p < rows; ++p) columns(p, static_cast<std::int64_t>(j)) = column[p];
  }
  return columns;
}

double mean_sparseness(const LocalMatrix<double>& x, bool of_columns) {
  const std::int64_t count = of_columns ? x.cols : x.rows;
  const std::int64_t length = of_columns ? x.rows : x.cols;
  std::vector<double> line(static_cast<std::size_t>(length));
  double sum = 0.0;
  for (std::int64_t l = 0; l < count; ++l) {
    for (std::int64_t i = 0; i < length; ++i) line[i] = of_columns ? x(i, l) : x(l, i);
    sum += local::hoyer_sparseness(line.data(), length);
  }
  return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

std::string default_output(const std::string& result) {
  const auto dot = result.rfind('.');
  const auto slash = result.rfind('/');
  const bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_extension ? result.substr(0, dot) : result) + ".png";
}

std::string fixed(double value, int digits) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return text.str();
}

}  // namespace

void run_images(const ImagesOptions& options) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  const std::string output = options.output.empty() ? default_output(options.result) : options.output;
  std::string summary;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    io::check_input_file(options.result, "--result");
    if (output == options.result) {
      throw UsageError("--output '" + output + "' is the result file itself; name a .png file");
    }
    picture::ComponentPicture picture;
    std::string input, dataset;
    LocalMatrix<double> h, mean;  // mean: the column PCA subtracted (gridnmf pca)
    double relative_error = -1.0;
    {
      const io::SerialFile result(options.result, "--result");
      picture.components = result.matrix("W");
      h = result.matrix("H");
      if (result.has("mean")) mean = result.matrix("mean");
      input = options.input.empty() ? result.string_attribute("input") : options.input;
      dataset = options.dataset.empty() ? result.string_attribute("dataset") : options.dataset;
      if (dataset.empty()) dataset = "V";
    }
    if (h.rows != picture.components.cols) {
      throw Error("'" + options.result + "' is not a factorization: /W has " +
                  std::to_string(picture.components.cols) + " columns but /H " +
                  std::to_string(h.rows) + " rows");
    }
    {
      io::Hdf5Handle file(H5Fopen(options.result.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                          "cannot open '" + options.result + "'");
      relative_error = io::read_double_attribute_or(file.get(), "relative_error", -1.0);
    }
    const ImageShape shape = image_shape(options, input, picture.components.rows);
    picture.image_rows = shape.rows;
    picture.image_cols = shape.cols;
    picture.columns = options.columns;
    picture.scale = options.scale;

    const std::int64_t pairs = std::min(options.reconstruct, h.cols);
    if (pairs > 0) {
      if (input.empty()) throw Error("--reconstruct needs V: give --input");
      io::check_input_file(input, "--input");
      std::vector<std::int64_t> picked(static_cast<std::size_t>(pairs));
      for (std::int64_t j = 0; j < pairs; ++j) {
        picked[j] = pairs > 1 ? j * (h.cols - 1) / (pairs - 1) : 0;
      }
      picture.originals = read_columns(input, dataset, picked, picture.components.rows);
      picture.reconstructions = LocalMatrix<double>(picture.components.rows, pairs);
      for (std::int64_t p = 0; p < picture.components.rows; ++p) {
        for (std::int64_t j = 0; j < pairs; ++j) {
          double sum = mean.rows == picture.components.rows ? mean(p, 0) : 0.0;
          for (std::int64_t l = 0; l < h.rows; ++l) sum += picture.components(p, l) * h(l, picked[j]);
          picture.reconstructions(p, j) = sum;
        }
      }
    }

    picture::PictureLayout layout;
    const picture::Raster raster = picture::draw_components(picture, &layout);
    io::write_png_rgb(output, raster.width, raster.height, raster.pixels, "--output");
    summary = "wrote " + output + ": " + std::to_string(picture.components.cols) + " tiles (" +
              std::to_string(layout.tile_rows) + " rows x " + std::to_string(layout.tile_columns) +
              " columns) of " + std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
              " pixels at scale " + std::to_string(options.scale) +
              (layout.signed_values ? ", signed (blue-white-red)" : "") +
              (pairs > 0 ? ", " + std::to_string(pairs) + " images above their reconstructions"
                         : std::string()) +
              "; picture " + std::to_string(raster.width) + " x " + std::to_string(raster.height) +
              "\nmean Hoyer sparseness: columns of W " +
              fixed(mean_sparseness(picture.components, true), 3) + ", rows of H " +
              fixed(mean_sparseness(h, false), 3) +
              (relative_error >= 0 ? "; relative error " + fixed(relative_error, 4) : std::string());
  });
  if (world_rank == 0 && !options.quiet) std::cout << summary << std::endl;
}

}  // namespace gridnmf::cli
