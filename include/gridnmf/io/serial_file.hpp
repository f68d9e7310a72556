#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// An HDF5 file opened read-only by one rank with the default (serial) driver,
// for small files read whole (results, ground truth): `evaluate`, `top`.
// Local; every failure throws Error in one line naming the file.
class SerialFile {
 public:
  // `option` names the file in messages ("--result").
  SerialFile(const std::string& path, const std::string& option);

  bool has(const std::string& name) const;
  // A 2-D numeric dataset as doubles, checked finite.
  LocalMatrix<double> matrix(const std::string& name) const;
  // The rows and columns of a 2-D dataset, without reading it.
  std::pair<std::int64_t, std::int64_t> matrix_shape(const std::string& name) const;
  // A 1-D numeric dataset as doubles, checked finite.
  std::vector<double> vector(const std::string& name) const;
  // A 1-D string dataset (fixed or variable length); empty when absent.
  std::vector<std::string> strings(const std::string& name) const;
  // A root string attribute; empty when absent.
  std::string string_attribute(const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  // The dataset `name`, checked to exist, to be readable (its filters
  // available) and to have `dimensions` dimensions; its extent goes to `extent`.
  Hdf5Handle open_dataset(const std::string& name, int dimensions, hsize_t* extent) const;

  std::string path_;
  Hdf5Handle file_;
};

}  // namespace gridnmf::io
