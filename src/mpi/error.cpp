#include "gridnmf/mpi/error.hpp"

#include <cstdio>

#include "gridnmf/mpi/environment.hpp"

namespace gridnmf::mpi {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  int rank = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::fprintf(stderr, "gridnmf: internal error on rank %d: MPI call failed: %s: %.*s\n", rank,
               call, length, text);
  abort_all(3);
}

}  // namespace gridnmf::mpi
