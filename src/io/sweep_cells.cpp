#include "gridnmf/io/sweep_cells.hpp"

#include <hdf5.h>
#include <unistd.h>

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

void SweepCells::write(const selection::SweepCell& cell, const std::string& fingerprint) const {
  const std::string path = path_of(cell.k, cell.replicate);
  // The pid keeps two writers of one cell (a duplicated array task) apart.
  const std::string temporary = path + ".tmp" + std::to_string(getpid());
  const std::string what = "cannot write sweep cell '" + path + "'";
  try {
    Hdf5Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                    H5Fclose, what);
    const hsize_t extent[2] = {static_cast<hsize_t>(cell.w.rows),
                               static_cast<hsize_t>(cell.w.cols)};
    Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose, what);
    Hdf5Handle data(H5Dcreate2(file.get(), "W", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
                    H5Dclose, what);
    check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        cell.w.data()),
               what);
    data.close(what);
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
  Hdf5Handle data(H5Dopen2(file.get(), "W", H5P_DEFAULT), H5Dclose, what);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, what);
  hsize_t extent[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw Error(what + ": /W is not 2-D");
  H5Sget_simple_extent_dims(space.get(), extent, nullptr);
  if (static_cast<std::int64_t>(extent[1]) != k || cell.k != k) {
    throw Error(what + ": it does not hold k = " + std::to_string(k) + " components");
  }
  cell.w = LocalMatrix<double>(static_cast<std::int64_t>(extent[0]), k);
  check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, cell.w.data()),
             what);
  return cell;
}

}  // namespace gridnmf::io
