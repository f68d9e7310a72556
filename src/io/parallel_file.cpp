#include "gridnmf/io/parallel_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/file_survey.hpp"
#include "gridnmf/io/path_checks.hpp"

namespace gridnmf::io {

namespace {

Hdf5Handle mpio_access(MPI_Comm comm) {
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "cannot create HDF5 file access list");
  check_hdf5(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL),
             "cannot select the HDF5 MPI-IO driver");
  // All ranks open and close together; metadata reads are collective.
  check_hdf5(H5Pset_all_coll_metadata_ops(fapl.get(), true), "cannot set collective metadata");
  check_hdf5(H5Pset_coll_metadata_write(fapl.get(), true), "cannot set collective metadata");
  return fapl;
}

}  // namespace

Hdf5Handle open_parallel_file(MPI_Comm comm, const std::string& path) {
  Hdf5Handle file;
  comm::agree_on_failure(comm, [&] {
    check_input_file(path, "file");
    struct stat status = {};
    if (stat(path.c_str(), &status) != 0) throw Error("file '" + path + "' does not exist");
    if (H5Fis_hdf5(path.c_str()) <= 0) {
      const std::string looks = describe_file_start(path);
      throw Error("'" + path + "' is not an HDF5 file: it is " + looks +
                  (looks.rfind("an HDF5", 0) == 0 ? " (truncated or corrupt?)" : ""));
    }
  });
  Hdf5Handle fapl = mpio_access(comm);
  comm::agree_on_failure(comm, [&] {
    file = Hdf5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose,
                      "cannot open '" + path + "' as HDF5 (truncated or corrupt file?)");
  });
  return file;
}

Hdf5Handle create_parallel_file(MPI_Comm comm, const std::string& path) {
  Hdf5Handle fapl = mpio_access(comm);
  Hdf5Handle file;
  comm::agree_on_failure(comm, [&] {
    file = Hdf5Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose,
                      "cannot create HDF5 file '" + path + "'");
  });
  return file;
}

Hdf5Handle collective_transfer() {
  Hdf5Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "cannot create HDF5 transfer list");
  check_hdf5(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE),
             "cannot request collective HDF5 transfers");
  return dxpl;
}

template <>
hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <>
hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }

AtomicOutput::AtomicOutput(MPI_Comm comm, std::string final_path)
    : comm_(comm), final_path_(std::move(final_path)) {
  // Rank 0's process id makes the name unique per job, so two jobs writing the
  // same output never truncate each other's temporary file.
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  std::int64_t tag = rank == 0 ? static_cast<std::int64_t>(getpid()) : 0;
  comm::allreduce_max(comm_, &tag, 1);
  temporary_path_ = final_path_ + "." + std::to_string(tag) + ".partial";
}

AtomicOutput::~AtomicOutput() {
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  if (!committed_ && rank == 0) std::remove(temporary_path_.c_str());
}

void AtomicOutput::commit() {
  comm::barrier(comm_);  // every rank has closed its view of the temporary file
  comm::agree_on_failure(comm_, [&] {
    int rank = 0;
    MPI_Comm_rank(comm_, &rank);
    if (rank == 0 && std::rename(temporary_path_.c_str(), final_path_.c_str()) != 0) {
      throw Error("cannot rename '" + temporary_path_ + "' to '" + final_path_ + "'");
    }
  });
  committed_ = true;
}

void check_output_writable(MPI_Comm comm, const std::string& path, const std::string& option) {
  comm::agree_on_failure(comm, [&] {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (rank != 0) return;
    // stat() rather than std::filesystem: a symlink loop or an overlong name
    // is a usage error with its own words, not an exception on rank 0.
    std::string directory = std::filesystem::path(path).parent_path().string();
    if (directory.empty()) directory = ".";
    struct stat status = {};
    if (stat(directory.c_str(), &status) != 0 && errno != ENOENT && errno != ENOTDIR) {
      throw UsageError(option + " directory '" + directory + "': " + std::strerror(errno));
    }
    if (!S_ISDIR(status.st_mode)) {
      throw UsageError(option + " directory '" + directory + "' does not exist");
    }
    check_existing_output(path, option);
    // The temporary NAME.<pid>.partial must fit the file system's name limit too.
    const std::size_t name = std::filesystem::path(path).filename().string().size();
    const long name_max = pathconf(directory.c_str(), _PC_NAME_MAX);
    constexpr std::size_t kTemporarySuffix = 24;
    if (name_max > 0 && name + kTemporarySuffix > static_cast<std::size_t>(name_max)) {
      throw UsageError(option + " '" + path + "': the file name is too long (" +
                       std::to_string(name) + " bytes; at most " +
                       std::to_string(name_max - static_cast<long>(kTemporarySuffix)) +
                       " here, as gridnmf first writes NAME.<pid>.partial)");
    }
    if (access(directory.c_str(), W_OK) != 0) {
      throw UsageError(option + " directory '" + directory + "' is not writable");
    }
    // access() says yes to root on read-only file systems and on /proc: create
    // and remove a probe file, so such a directory fails now, not after the run.
    const std::string probe = path + "." + std::to_string(getpid()) + ".probe";
    const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      throw UsageError(option + " directory '" + directory +
                       "' is not writable (" + std::strerror(errno) + ")");
    }
    close(fd);
    std::remove(probe.c_str());
  });
}

}  // namespace gridnmf::io
