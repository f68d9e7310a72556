#include "gridnmf/grid/process_grid.hpp"

#include <string>

#include "gridnmf/error.hpp"
#include "gridnmf/mpi/error.hpp"

namespace gridnmf {

ProcessGrid::ProcessGrid(MPI_Comm parent, GridShape shape) : shape_(shape) {
  int parent_size = 0;
  GRIDNMF_MPI_CHECK(MPI_Comm_size(parent, &parent_size));
  if (shape.rows < 1 || shape.cols < 1 || shape.size() != parent_size) {
    throw UsageError("grid " + shape.to_string() + " has " + std::to_string(shape.size()) +
                     " ranks but the job has " + std::to_string(parent_size) +
                     "; give --grid PRxPC with PR*PC = " + std::to_string(parent_size));
  }
  all_ = mpi::Communicator::duplicate(parent);
  const int me = all_.rank();
  row_ = me / shape.cols;
  col_ = me % shape.cols;
  MPI_Comm row_comm = MPI_COMM_NULL;
  MPI_Comm col_comm = MPI_COMM_NULL;
  GRIDNMF_MPI_CHECK(MPI_Comm_split(all_.get(), row_, col_, &row_comm));
  row_comm_ = mpi::Communicator::own(row_comm);
  GRIDNMF_MPI_CHECK(MPI_Comm_split(all_.get(), col_, row_, &col_comm));
  col_comm_ = mpi::Communicator::own(col_comm);
}

}  // namespace gridnmf
