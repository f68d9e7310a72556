#include "gridnmf/io/serial_file.hpp"

#include <cmath>
#include <filesystem>

#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/dataset_filters.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/vector_dataset.hpp"

namespace gridnmf::io {

SerialFile::SerialFile(const std::string& path, const std::string& option) : path_(path) {
  check_input_file(path, option);
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) {
    throw Error(option + " file '" + path + "' does not exist");
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'" + path + "' is not an HDF5 file");
  file_ = Hdf5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                     "cannot open '" + path + "'");
}

bool SerialFile::has(const std::string& name) const {
  return H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
}

Hdf5Handle SerialFile::open_dataset(const std::string& name, int dimensions,
                                    hsize_t* extent) const {
  const std::string where = path_ + ":/" + name;
  if (!has(name)) throw Error("dataset /" + name + " not found in '" + path_ + "'");
  Hdf5Handle data(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                  "'" + where + "' is not a dataset");
  check_filters_available(data.get(), where);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
  if (H5Sget_simple_extent_ndims(space.get()) != dimensions) {
    throw Error(where + (dimensions == 2 ? " is not a 2-D matrix" : " is not a 1-D array"));
  }
  H5Sget_simple_extent_dims(space.get(), extent, nullptr);
  return data;
}

namespace {

// Reads the whole dataset as doubles into `values` (sized by the caller),
// every entry checked finite.
void read_finite(hid_t data, const std::string& where, std::vector<double>& values) {
  if (values.empty()) return;
  check_hdf5(H5Dread(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             "cannot read " + where + " as numbers");
  for (double v : values) {
    if (!std::isfinite(v)) throw Error(where + " has NaN or infinite entries");
  }
}

}  // namespace

LocalMatrix<double> SerialFile::matrix(const std::string& name) const {
  hsize_t extent[2] = {0, 0};
  Hdf5Handle data = open_dataset(name, 2, extent);
  LocalMatrix<double> values(static_cast<std::int64_t>(extent[0]),
                             static_cast<std::int64_t>(extent[1]));
  read_finite(data.get(), path_ + ":/" + name, values.values);
  return values;
}

std::pair<std::int64_t, std::int64_t> SerialFile::matrix_shape(const std::string& name) const {
  hsize_t extent[2] = {0, 0};
  open_dataset(name, 2, extent);
  return {static_cast<std::int64_t>(extent[0]), static_cast<std::int64_t>(extent[1])};
}

std::vector<double> SerialFile::vector(const std::string& name) const {
  hsize_t extent[1] = {0};
  Hdf5Handle data = open_dataset(name, 1, extent);
  std::vector<double> values(static_cast<std::size_t>(extent[0]));
  read_finite(data.get(), path_ + ":/" + name, values);
  return values;
}

std::string SerialFile::string_attribute(const std::string& name) const {
  if (H5Aexists(file_.get(), name.c_str()) <= 0) return "";
  return read_string_attribute(file_.get(), name);
}

std::vector<std::string> SerialFile::strings(const std::string& name) const {
  return read_string_dataset(file_.get(), name);
}

}  // namespace gridnmf::io
