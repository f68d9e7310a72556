// MatrixSource for an HDF5 file: V from a 2-D dataset, metadata from the
// layout of ../shared/data (/wavelengths, /endmember_names, rows/cols).
#include <hdf5.h>

#include <optional>
#include <vector>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "source_impl.hpp"

namespace gridnmf::io {

namespace {

// A 1-D dataset's length, or -1 when `name` is absent or not 1-D.
std::int64_t vector_length(hid_t file, const char* name, Hdf5Handle& data) {
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0) return -1;
  H5O_info_t info;
  if (H5Oget_info_by_name(file, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET) {
    return -1;
  }
  data = Hdf5Handle(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose, std::string("cannot open ") + name);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read a dataset's shape");
  if (H5Sget_simple_extent_ndims(space.get()) != 1) return -1;
  hsize_t length = 0;
  H5Sget_simple_extent_dims(space.get(), &length, nullptr);
  return static_cast<std::int64_t>(length);
}

// /wavelengths when its length is `bands` or `other` (a scene stored pixels x
// bands); MatrixSource keeps it only when it matches the rows of V.
std::vector<double> read_wavelengths(hid_t file, std::int64_t bands, std::int64_t other) {
  Hdf5Handle data;
  const std::int64_t length = vector_length(file, "wavelengths", data);
  if (length != bands && length != other) return {};
  bands = length;
  Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read the type of /wavelengths");
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) return {};
  std::vector<double> values(static_cast<std::size_t>(bands));
  check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             "cannot read /wavelengths");
  return values;
}

// An integer root attribute, or 0 when absent or not an integer.
std::int64_t integer_attribute(hid_t file, const char* name) {
  if (H5Aexists(file, name) <= 0) return 0;
  Hdf5Handle attribute(H5Aopen(file, name, H5P_DEFAULT), H5Aclose,
                       std::string("cannot open attribute ") + name);
  Hdf5Handle type(H5Aget_type(attribute.get()), H5Tclose, "cannot read an attribute type");
  if (H5Tget_class(type.get()) != H5T_INTEGER) return 0;
  Hdf5Handle space(H5Aget_space(attribute.get()), H5Sclose, "cannot read an attribute shape");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return 0;
  std::int64_t value = 0;
  check_hdf5(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value),
             std::string("cannot read attribute ") + name);
  return value;
}

std::vector<std::string> names_of_length(hid_t file, const char* name, std::int64_t count,
                                         std::vector<std::string>& notes) {
  std::vector<std::string> names = read_string_dataset(file, name);
  if (!names.empty() && static_cast<std::int64_t>(names.size()) != count) {
    notes.push_back(std::string("ignored /") + name + ": " + std::to_string(names.size()) +
                    " names for " + std::to_string(count) + " entries");
    names.clear();
  }
  return names;
}

std::string type_name(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  if (H5Tget_class(type) == H5T_FLOAT) return size == 4 ? "float32" : "float64";
  const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
  return std::string(is_signed ? "int" : "uint") + std::to_string(8 * size);
}

// /W_true as a bands x names matrix when it has `bands` (or, stored
// transposed, `other`) rows and `names` columns; empty otherwise.
LocalMatrix<double> read_reference_spectra(hid_t file, std::int64_t bands, std::int64_t other,
                                           std::int64_t names) {
  if (names <= 0 || H5Lexists(file, "W_true", H5P_DEFAULT) <= 0) return {};
  H5O_info_t info;
  if (H5Oget_info_by_name(file, "W_true", &info, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_DATASET) {
    return {};
  }
  Hdf5Handle data(H5Dopen2(file, "W_true", H5P_DEFAULT), H5Dclose, "cannot open /W_true");
  Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read the type of /W_true");
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) return {};
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of /W_true");
  if (H5Sget_simple_extent_ndims(space.get()) != 2) return {};
  hsize_t extent[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), extent, nullptr);
  const auto rows = static_cast<std::int64_t>(extent[0]);
  if ((rows != bands && rows != other) || static_cast<std::int64_t>(extent[1]) != names) return {};
  LocalMatrix<double> spectra(rows, names);
  check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, spectra.data()),
             "cannot read /W_true");
  return spectra;
}

class Hdf5Source : public MatrixSource::Impl {
 public:
  Hdf5Source(MPI_Comm comm, std::string path, std::string dataset, Hdf5Handle file)
      : comm_(comm), path_(std::move(path)), dataset_(std::move(dataset)),
        file_(std::move(file)) {
    shape = inspect_matrix(comm_, file_.get(), path_, dataset_);
    comm::agree_on_failure(comm_, [&] {
      Hdf5Handle data(H5Dopen2(file_.get(), dataset_.c_str(), H5P_DEFAULT), H5Dclose,
                      "cannot open " + description());
      Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read the type of " +
                      description());
      stored_type_ = type_name(type.get());
      // Metadata that does not fit V (wrong length, wrong type) is left out.
      metadata.wavelengths = read_wavelengths(file_.get(), shape.rows, shape.cols);
      metadata.endmember_names = read_string_dataset(file_.get(), "endmember_names");
      metadata.reference_spectra =
          read_reference_spectra(file_.get(), shape.rows, shape.cols,
                                 static_cast<std::int64_t>(metadata.endmember_names.size()));
      metadata.row_names = names_of_length(file_.get(), "row_names", shape.rows, metadata.notes);
      metadata.col_names = names_of_length(file_.get(), "col_names", shape.cols, metadata.notes);
      std::int64_t rows = integer_attribute(file_.get(), "rows");
      std::int64_t cols = integer_attribute(file_.get(), "cols");
      if (rows <= 0 || cols <= 0) {
        rows = integer_attribute(file_.get(), "image_rows");
        cols = integer_attribute(file_.get(), "image_cols");
      }
      // The image shape is kept when it accounts for the stored columns, or
      // for the stored rows (a scene stored pixels x bands: MatrixSource
      // keeps it after --transpose, and unmix refuses it without).
      if (rows > 0 && cols > 0 && (rows * cols == shape.cols || rows * cols == shape.rows)) {
        metadata.image_rows = rows;
        metadata.image_cols = cols;
      }
    });
  }

  std::string format() const override { return "hdf5"; }
  std::string description() const override { return path_ + ":/" + dataset_; }
  std::string stored_type() const override { return stored_type_; }
  std::vector<std::string> files() const override { return {path_}; }

  LocalMatrix<double> read_double(const IndexRange& rows, const IndexRange& cols) override {
    return io::read_block<double>(comm_, file_.get(), path_, dataset_, rows, cols);
  }
  LocalMatrix<float> read_float(const IndexRange& rows, const IndexRange& cols) override {
    return io::read_block<float>(comm_, file_.get(), path_, dataset_, rows, cols);
  }
  void close() override {
    comm::agree_on_failure(comm_, [&] { file_.close("cannot close " + path_); });
  }

 private:
  MPI_Comm comm_;
  std::string path_;
  std::string dataset_;
  std::string stored_type_;
  Hdf5Handle file_;
};

}  // namespace

std::unique_ptr<MatrixSource::Impl> open_hdf5_source(MPI_Comm comm, const std::string& path,
                                                     const std::string& dataset) {
  Hdf5Handle file = open_parallel_file(comm, path);
  std::optional<SparseLayout> sparse;
  comm::agree_on_failure(comm, [&] { sparse = find_sparse_layout(file.get(), path, dataset); });
  if (sparse) return open_sparse_hdf5_source(comm, path, std::move(file), std::move(*sparse));
  return std::make_unique<Hdf5Source>(comm, path, dataset, std::move(file));
}

}  // namespace gridnmf::io
