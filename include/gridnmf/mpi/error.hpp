#pragma once

#include <mpi.h>

namespace gridnmf::mpi {

// Reports a failed MPI call and aborts every rank (exit code 3). A failed
// collective leaves the ranks disagreeing about where they are, so unwinding
// (and closing HDF5 files collectively) could hang; aborting cannot.
// Communicators created by gridnmf use MPI_ERRORS_RETURN so the message can
// name the call.
void check(int code, const char* call);

}  // namespace gridnmf::mpi

#define GRIDNMF_MPI_CHECK(call) ::gridnmf::mpi::check((call), #call)
