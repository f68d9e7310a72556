#include "gridnmf/mpi/communicator.hpp"

#include <utility>

#include "gridnmf/mpi/error.hpp"

namespace gridnmf::mpi {

Communicator Communicator::borrow(MPI_Comm comm) { return Communicator(comm, false); }

Communicator Communicator::own(MPI_Comm comm) {
  if (comm != MPI_COMM_NULL) MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  return Communicator(comm, comm != MPI_COMM_NULL);
}

Communicator Communicator::duplicate(MPI_Comm comm) {
  MPI_Comm copy = MPI_COMM_NULL;
  GRIDNMF_MPI_CHECK(MPI_Comm_dup(comm, &copy));
  return own(copy);
}

Communicator::~Communicator() { release(); }

Communicator::Communicator(Communicator&& other) noexcept
    : comm_(std::exchange(other.comm_, MPI_COMM_NULL)),
      owned_(std::exchange(other.owned_, false)) {}

Communicator& Communicator::operator=(Communicator&& other) noexcept {
  if (this != &other) {
    release();
    comm_ = std::exchange(other.comm_, MPI_COMM_NULL);
    owned_ = std::exchange(other.owned_, false);
  }
  return *this;
}

void Communicator::release() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (owned_ && comm_ != MPI_COMM_NULL && !finalized) MPI_Comm_free(&comm_);
  comm_ = MPI_COMM_NULL;
  owned_ = false;
}

int Communicator::rank() const {
  int r = 0;
  GRIDNMF_MPI_CHECK(MPI_Comm_rank(comm_, &r));
  return r;
}

int Communicator::size() const {
  int s = 0;
  GRIDNMF_MPI_CHECK(MPI_Comm_size(comm_, &s));
  return s;
}

}  // namespace gridnmf::mpi
