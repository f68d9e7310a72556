#pragma once

#include <mpi.h>
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>

namespace gridnmf::io {

// One HDF5 file that every rank of a communicator writes.
struct Hdf5Output {
  std::string path;                // the final name
  std::string what;                // "result", "checkpoint", ... for messages
  std::int64_t payload_bytes = 0;  // the datasets' size, for the free-space check
  bool durable = false;            // fsync the file and its directory (checkpoints)
  // Runs after the file is complete and closed, before it is renamed into
  // place; an Error it throws (agreed on every rank) leaves no file behind.
  std::function<void()> before_commit;
};

// Writes `output` under a temporary name (PATH.<pid>.partial) and renames it
// into place once complete; `contents` fills the open file. A file system
// without room for the payload fails first, on every rank alike (Error, exit
// 1). A failure in the middle of the write cannot be agreed on (the other
// ranks may be waiting inside a collective MPI-IO call that never returns):
// with one rank it is an Error; with several, a failing rank removes the
// temporary file, prints one line naming the file and the reason, and ends
// every rank with MPI_Abort (exit 1). The file at PATH is never touched
// unless the write succeeded. Collective over `comm`.
//
// Test hook: GRIDNMF_TEST_NO_SPACE_CHECK=1 skips the free-space check, so the
// tests can reach a full disk in the middle of a write.
void write_hdf5_output(MPI_Comm comm, const Hdf5Output& output,
                       const std::function<void(hid_t file)>& contents);

}  // namespace gridnmf::io
