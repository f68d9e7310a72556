#pragma once

#include <mpi.h>

namespace gridnmf::mpi {

// Throws std::runtime_error naming the call when an MPI function fails.
// Communicators created by gridnmf use MPI_ERRORS_RETURN so this can see them.
void check(int code, const char* call);

}  // namespace gridnmf::mpi

#define GRIDNMF_MPI_CHECK(call) ::gridnmf::mpi::check((call), #call)
