// A scratch folder unique to one test process group (named after rank 0's
// pid) and shared by all its ranks, so concurrent test runs never share files.
#pragma once

#include <mpi.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace gridnmf::testing {

class RunFolder {
 public:
  explicit RunFolder(const std::string& prefix = "gridnmf_mpi_test") {
    long tag = static_cast<long>(getpid());
    MPI_Bcast(&tag, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    path_ = std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(tag));
    if (rank() == 0) std::filesystem::create_directories(path_);
    MPI_Barrier(MPI_COMM_WORLD);
  }
  ~RunFolder() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank() == 0) std::filesystem::remove_all(path_);
  }
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

  static int rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace gridnmf::testing
