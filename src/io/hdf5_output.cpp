#include "gridnmf/io/hdf5_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/write_failure.hpp"
#include "gridnmf/mpi/environment.hpp"

namespace gridnmf::io {

namespace {

bool space_check_disabled() {
  const char* text = std::getenv("GRIDNMF_TEST_NO_SPACE_CHECK");
  return text != nullptr && std::string(text) == "1";
}

// Flushes a closed file's pages, or a directory entry, to stable storage.
void fsync_path(const std::string& path, bool directory) {
  const int fd = open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw Error("cannot open '" + path + "' to flush it");
  const int status = fsync(fd);
  close(fd);
  if (status != 0) throw Error("cannot flush '" + path + "' to disk");
}

// The one line for a write that failed on this rank: the file system's reason
// when it refuses more data, else what HDF5 said.
std::string failure_line(const Hdf5Output& output, const std::string& temporary, int rank,
                         int ranks, const std::string& detail) {
  const std::string reason = refusal_reason(temporary);
  std::string line = "writing " + output.what + " '" + output.path + "' failed";
  if (ranks > 1) line += " on rank " + std::to_string(rank);
  line += ": " + (reason.empty() ? detail : reason + " (" + detail + ")");
  line += "; '" + output.path + "' is unchanged";
  if (ranks > 1) line += "; all ranks aborted";
  return line;
}

// A failure inside the collective write on one rank of several: the others
// may never return from MPI-IO, so this rank ends them all. The rank that
// removes the temporary file prints; another one that failed too waits a
// moment so the line is not lost, then aborts as well.
[[noreturn]] void abort_write(const std::string& line, const std::string& temporary) {
  const bool reporter = std::remove(temporary.c_str()) == 0 || errno != ENOENT;
  if (reporter) {
    std::fprintf(stderr, "gridnmf: error: %s\n", line.c_str());
    std::fflush(stderr);
  } else {
    usleep(500 * 1000);
  }
  mpi::abort_all(1);
}

}  // namespace

void write_hdf5_output(MPI_Comm comm, const Hdf5Output& output,
                       const std::function<void(hid_t file)>& contents) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  AtomicOutput atomic(comm, output.path);
  const std::string& temporary = atomic.temporary_path();
  comm::agree_on_failure(comm, [&] {
    if (rank == 0 && !space_check_disabled()) {
      check_free_space(output.path, output.what, output.payload_bytes);
    }
  });
  {
    Hdf5Handle file = create_parallel_file(comm, temporary);
    try {
      contents(file.get());
      file.close("cannot close the file");
      if (output.durable && rank == 0) fsync_path(temporary, false);
    } catch (const std::exception& e) {
      const std::string line = failure_line(output, temporary, rank, ranks, e.what());
      if (ranks > 1) abort_write(line, temporary);
      throw Error(line);  // one rank: nobody waits; ~AtomicOutput removes the file
    }
  }
  if (output.before_commit) output.before_commit();
  atomic.commit();
  if (output.durable) {
    comm::agree_on_failure(comm, [&] {
      if (rank != 0) return;
      const std::filesystem::path directory = std::filesystem::path(output.path).parent_path();
      fsync_path(directory.empty() ? "." : directory.string(), true);
    });
  }
}

}  // namespace gridnmf::io
