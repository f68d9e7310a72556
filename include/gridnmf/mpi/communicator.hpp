#pragma once

#include <mpi.h>

namespace gridnmf::mpi {

// A communicator handle that either owns (frees on destruction) or borrows.
// Move-only, so ownership is never shared by accident.
class Communicator {
 public:
  // Wraps a communicator someone else frees (e.g. MPI_COMM_WORLD).
  static Communicator borrow(MPI_Comm comm);
  // Takes ownership of a communicator this object will free.
  static Communicator own(MPI_Comm comm);
  // Collective over `comm`: an owned duplicate with MPI_ERRORS_RETURN set.
  static Communicator duplicate(MPI_Comm comm);

  Communicator() = default;
  ~Communicator();
  Communicator(Communicator&& other) noexcept;
  Communicator& operator=(Communicator&& other) noexcept;
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  MPI_Comm get() const { return comm_; }
  int rank() const;
  int size() const;
  bool is_null() const { return comm_ == MPI_COMM_NULL; }

 private:
  Communicator(MPI_Comm comm, bool owned) : comm_(comm), owned_(owned) {}
  void release() noexcept;

  MPI_Comm comm_ = MPI_COMM_NULL;
  bool owned_ = false;
};

}  // namespace gridnmf::mpi
