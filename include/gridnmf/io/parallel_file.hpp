#pragma once

#include <mpi.h>

#include <string>

#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

// Opens an existing HDF5 file read-only with the MPI-IO driver. Collective
// over `comm`; throws Error naming the file on every rank (UsageError for a
// path that is not a regular file, refused without opening it).
Hdf5Handle open_parallel_file(MPI_Comm comm, const std::string& path);

// Creates (truncating) an HDF5 file with the MPI-IO driver. Collective over `comm`.
Hdf5Handle create_parallel_file(MPI_Comm comm, const std::string& path);

// A transfer property list for collective MPI-IO reads and writes.
Hdf5Handle collective_transfer();

// The native HDF5 memory type for float or double.
template <typename T>
hid_t native_type();

// Writes a file under a temporary name (FINAL.<pid of rank 0>.partial) and
// renames it into place when complete, so a crash never leaves a half-written
// file at `final_path`, and a failed run never replaces an existing one.
// Collective over `comm`.
class AtomicOutput {
 public:
  AtomicOutput(MPI_Comm comm, std::string final_path);
  // Removes the temporary file if commit() was never reached.
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& temporary_path() const { return temporary_path_; }
  // Renames the (closed) temporary file to the final path. Collective; throws
  // Error on every rank if the rename fails.
  void commit();

 private:
  MPI_Comm comm_;
  std::string final_path_;
  std::string temporary_path_;
  bool committed_ = false;
};

// Fails with one line (UsageError), on every rank, if `path` cannot be
// created: its directory is missing or not writable, something other than a
// regular file is there, or its name (or the temporary name) is too long.
// Collective over `comm`.
void check_output_writable(MPI_Comm comm, const std::string& path, const std::string& option);

}  // namespace gridnmf::io
