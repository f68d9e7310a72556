#include "gridnmf/io/sweep_cells.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

SweepCells::SweepCells(std::string directory) : directory_(std::move(directory)) {}

void SweepCells::create_directory() const {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error || !std::filesystem::is_directory(directory_)) {
    throw Error("cannot create --sweep-dir '" + directory_ + "': " +
                (error ? error.message() : std::string("not a directory")));
  }
}

std::string SweepCells::path_of(std::int64_t k, int replicate) const {
  return directory_ + "/k" + std::to_string(k) + "_r" + std::to_string(replicate) + ".h5";
}

bool SweepCells::has(std::int64_t k, int replicate) const {
  std::error_code error;
  return std::filesystem::is_regular_file(path_of(k, replicate), error);
}

namespace {

// A 1-D float64 dataset of `values` (at least one).
void write_vector(hid_t file, const char* name, const std::vector<double>& values,
                  const std::string& what) {
  const hsize_t extent[1] = {static_cast<hsize_t>(values.size())};
  Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, what);
  Hdf5Handle data(H5Dcreate2(file, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  H5Dclose, what);
  check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                      values.data()),
             what);
  data.close(what);
}

}  // namespace

void SweepCells::write(const selection::SweepCell& cell, const LocalMatrix<double>& w,
                       const std::string& fingerprint) const {
  const std::string path = path_of(cell.k, cell.replicate);
  // The pid keeps two writers of one cell (a duplicated array task) apart.
  const std::string temporary = path + ".tmp" + std::to_string(getpid());
  const std::string what = "cannot write sweep cell '" + path + "'";
  try {
    Hdf5Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                    H5Fclose, what);
    const hsize_t extent[2] = {static_cast<hsize_t>(w.rows), static_cast<hsize_t>(w.cols)};
    Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose, what);
    Hdf5Handle data(H5Dcreate2(file.get(), "W", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
                    H5Dclose, what);
    check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        w.data()),
               what);
    data.close(what);
    if (!cell.matched_cosines.empty()) {
      write_vector(file.get(), "matched_cosine", cell.matched_cosines, what);
    }
    write_attribute(file.get(), "k", cell.k);
    write_attribute(file.get(), "replicate", static_cast<std::int64_t>(cell.replicate));
    write_attribute(file.get(), "train_error", cell.train_error);
    write_attribute(file.get(), "heldout_error", cell.heldout_error);
    write_attribute(file.get(), "objective", cell.objective);
    write_attribute(file.get(), "iterations", static_cast<std::int64_t>(cell.iterations));
    write_attribute(file.get(), "fingerprint", fingerprint);
    file.close(what + " (disk full?)");
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
      throw Error(what + ": cannot rename it into place");
    }
  } catch (...) {  // no half-written cell left behind
    std::remove(temporary.c_str());
    throw;
  }
}

selection::SweepCell SweepCells::read(std::int64_t k, int replicate,
                                      const std::string& fingerprint) const {
  const std::string path = path_of(k, replicate);
  const std::string what = "cannot read sweep cell '" + path + "'";
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
  if (read_string_attribute(file.get(), "fingerprint") != fingerprint) {
    throw UsageError("sweep cell '" + path +
                     "' was written with other options (input, algorithm, loss, stopping, "
                     "seed, precision or mask); use another --sweep-dir or the same options");
  }
  selection::SweepCell cell;
  cell.k = read_int_attribute(file.get(), "k");
  cell.replicate = static_cast<int>(read_int_attribute(file.get(), "replicate"));
  cell.train_error = read_double_attribute(file.get(), "train_error");
  cell.heldout_error = read_double_attribute(file.get(), "heldout_error");
  cell.objective = read_double_attribute(file.get(), "objective");
  cell.iterations = static_cast<int>(read_int_attribute(file.get(), "iterations"));
  if (cell.k != k || cell.replicate != replicate) {
    throw Error(what + ": it holds k = " + std::to_string(cell.k) + ", replicate " +
                std::to_string(cell.replicate));
  }
  cell.matched_cosines.resize(static_cast<size_t>(replicate));
  if (replicate > 0) {
    Hdf5Handle data(H5Dopen2(file.get(), "matched_cosine", H5P_DEFAULT), H5Dclose, what);
    Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, what);
    if (H5Sget_simple_extent_npoints(space.get()) != replicate) {
      throw Error(what + ": /matched_cosine does not hold one value per earlier replicate");
    }
    check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       cell.matched_cosines.data()),
               what);
  }
  return cell;
}

void SweepCells::for_each_w_row(
    std::int64_t k, int replicate,
    const std::function<void(std::int64_t, const double*)>& take) const {
  const std::string path = path_of(k, replicate);
  const std::string what = "cannot read /W of sweep cell '" + path + "'";
  Hdf5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, what);
  Hdf5Handle data(H5Dopen2(file.get(), "W", H5P_DEFAULT), H5Dclose, what);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, what);
  hsize_t extent[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw Error(what + ": /W is not 2-D");
  H5Sget_simple_extent_dims(space.get(), extent, nullptr);
  if (static_cast<std::int64_t>(extent[1]) != k) {
    throw Error(what + ": it does not hold k = " + std::to_string(k) + " components");
  }
  constexpr hsize_t kRowsPerRead = 4096;
  std::vector<double> rows(static_cast<size_t>(std::min(kRowsPerRead, extent[0]) * extent[1]));
  for (hsize_t first = 0; first < extent[0]; first += kRowsPerRead) {
    const hsize_t start[2] = {first, 0};
    const hsize_t count[2] = {std::min(kRowsPerRead, extent[0] - first), extent[1]};
    check_hdf5(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
               what);
    Hdf5Handle memory(H5Screate_simple(2, count, nullptr), H5Sclose, what);
    check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT,
                       rows.data()),
               what);
    for (hsize_t r = 0; r < count[0]; ++r) {
      take(static_cast<std::int64_t>(first + r), rows.data() + r * extent[1]);
    }
  }
}

}  // namespace gridnmf::io
