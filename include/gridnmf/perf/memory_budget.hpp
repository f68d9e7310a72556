#pragma once

#include <mpi.h>

#include <functional>
#include <string>

namespace gridnmf::perf {

// What one rank of a run will hold at its peak, estimated before anything
// large is allocated. Bytes, in double so that absurd sizes do not overflow.
struct MemoryNeed {
  double data = 0.0;     // the V block
  double factors = 0.0;  // factor pieces, gathered blocks and products
  double total() const { return data + factors; }
};

// The bytes one rank may use: the smaller of MemAvailable (/proc/meminfo)
// and the cgroup's room (memory.max - memory.current, when a limit is set),
// shared equally by the ranks on the node; the minimum over `comm`, so it is
// replicated. GRIDNMF_TEST_MEMORY_LIMIT_BYTES replaces the node's figure (for
// tests). Negative when nothing is known. Collective over `comm`.
double memory_per_rank(MPI_Comm comm);

// Refuses (Error, one line, every rank) a run whose need on the current
// number of ranks exceeds memory_per_rank: it names the need, what is
// available, and how many ranks with that memory each would fit, from
// need_on(p), the need on p ranks. `what` describes the run ("V 1000 x 1000,
// float64"). Collective over `comm`; need_on must be replicated.
void check_memory(MPI_Comm comm, const std::string& what,
                  const std::function<MemoryNeed(int ranks)>& need_on);

// "1.5 GiB", "320 MiB", "12 KiB", "100 B". Pure.
std::string byte_text(double bytes);

}  // namespace gridnmf::perf
