#pragma once

#include <mpi.h>

#include <vector>

#include "gridnmf/linalg/blacs_context.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::linalg {

// QR of a tall matrix X (M x l, l <= M) whose rows are split into one
// contiguous piece per rank, of any sizes (the owned W rows or H columns of a
// Distribution: pieces differ by one row and may be empty). Such a layout is
// no ScaLAPACK distribution, so each rank's piece is described as a one-block
// matrix living on that rank alone and PDGEMR2D copies it into a block
// distribution on a P x 1 BLACS grid, where PDGEQRF/PDORGQR run; Q comes back
// the same way. When the pieces already are that block distribution (one
// rank, or equal pieces) the copies are skipped. Buffers are kept between
// factorizations: first touches of fresh pages cost more than the small QR.
class TallSkinnyQr {
 public:
  // Collective over `comm` (creates the BLACS grid once for many factorizations).
  explicit TallSkinnyQr(MPI_Comm comm);

  // pieces[r] is the global row range of rank r of `comm`; together they
  // tile [0, M). `own` holds this rank's rows (pieces[rank].size x l). On
  // return `own` holds the same rows of Q, and the result is R (l x l, upper
  // triangular, row-major), the same on every rank. Collective over `comm`.
  LocalMatrix<double> factor(const std::vector<IndexRange>& pieces, LocalMatrix<double>& own);

 private:
  MPI_Comm comm_;
  BlacsContext context_;
  std::vector<double> piece_;   // this rank's rows, column-major
  std::vector<double> target_;  // its block of the block distribution
  std::vector<double> tau_;
  std::vector<double> work_;
};

}  // namespace gridnmf::linalg
