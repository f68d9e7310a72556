#pragma once

#include <mpi.h>

#include <functional>

namespace gridnmf::comm {

// Runs `work` on every rank, then agrees on the outcome: if any rank threw,
// every rank throws the same Error carrying the message of the lowest failing
// rank (UsageError if that was one). Collective over `comm`; keeps a local
// failure (a missing file seen by one rank, a bad value in one block) from
// leaving the other ranks waiting in the next collective.
void agree_on_failure(MPI_Comm comm, const std::function<void()>& work);

}  // namespace gridnmf::comm
