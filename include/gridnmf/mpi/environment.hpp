#pragma once

namespace gridnmf::mpi {

// Owns MPI initialisation; the first object in main, finalised last.
// Requests MPI_THREAD_FUNNELED: only the main thread calls MPI, BLAS may thread.
class Environment {
 public:
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Rank in MPI_COMM_WORLD, for deciding who prints.
  int world_rank() const { return world_rank_; }
  int world_size() const { return world_size_; }

 private:
  int world_rank_ = 0;
  int world_size_ = 1;
};

// Ends every process at once after a failure that ranks could not agree on.
[[noreturn]] void abort_all(int exit_code);

}  // namespace gridnmf::mpi
