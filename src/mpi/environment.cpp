#include "gridnmf/mpi/environment.hpp"

#include <mpi.h>

#include <cstdlib>

#include "gridnmf/mpi/error.hpp"

namespace gridnmf::mpi {

Environment::Environment(int& argc, char**& argv) {
  int provided = 0;
  GRIDNMF_MPI_CHECK(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided));
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size_);
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void abort_all(int exit_code) {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

}  // namespace gridnmf::mpi
