#pragma once

#include <mpi.h>

#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/mpi/communicator.hpp"

namespace gridnmf {

// A pr x pc Cartesian grid of ranks with its row and column communicators.
// Rank r of `parent` sits at (r / pc, r % pc). Owns its communicators; move-only.
class ProcessGrid {
 public:
  // Collective over `parent`. Throws UsageError (on every rank) if shape.size()
  // differs from the size of `parent`.
  ProcessGrid(MPI_Comm parent, GridShape shape);

  GridShape shape() const { return shape_; }
  int row() const { return row_; }  // grid row i of this rank
  int col() const { return col_; }  // grid column j of this rank
  int rank() const { return all_.rank(); }
  int size() const { return shape_.size(); }

  // All ranks of the grid (a duplicate of the parent).
  MPI_Comm all() const { return all_.get(); }
  // The pc ranks of this rank's grid row, ordered by grid column.
  MPI_Comm row_comm() const { return row_comm_.get(); }
  // The pr ranks of this rank's grid column, ordered by grid row.
  MPI_Comm col_comm() const { return col_comm_.get(); }

 private:
  GridShape shape_;
  int row_ = 0;
  int col_ = 0;
  mpi::Communicator all_;
  mpi::Communicator row_comm_;
  mpi::Communicator col_comm_;
};

}  // namespace gridnmf
