#pragma once

#include <mpi.h>

#include <array>
#include <cstdint>

namespace gridnmf::linalg {

// A BLACS process grid over the ranks of an MPI communicator, released by its
// destructor. Process (r, c) of the grid is rank r * npcol + c of `comm`.
// Move-only: one owner per BLACS context.
class BlacsContext {
 public:
  // Collective over `comm`; nprow * npcol must equal its size.
  BlacsContext(MPI_Comm comm, int nprow, int npcol);
  ~BlacsContext();
  BlacsContext(BlacsContext&& other) noexcept;
  BlacsContext& operator=(BlacsContext&& other) noexcept;
  BlacsContext(const BlacsContext&) = delete;
  BlacsContext& operator=(const BlacsContext&) = delete;

  int get() const { return context_; }
  int nprow() const { return nprow_; }
  int npcol() const { return npcol_; }
  int myrow() const { return myrow_; }
  int mycol() const { return mycol_; }

 private:
  void release() noexcept;

  int context_ = -1;
  int nprow_ = 0;
  int npcol_ = 0;
  int myrow_ = -1;
  int mycol_ = -1;
};

// A ScaLAPACK array descriptor plus the size of this process's local part
// (column-major, leading dimension lld()). Pure index arithmetic.
class Descriptor {
 public:
  // An m x n matrix in mb x nb blocks whose first block sits on process
  // (row_source, col_source) of `context`.
  Descriptor(const BlacsContext& context, std::int64_t m, std::int64_t n, std::int64_t mb,
             std::int64_t nb, int row_source = 0, int col_source = 0);

  const int* get() const { return values_.data(); }
  int local_rows() const { return local_rows_; }
  int local_cols() const { return local_cols_; }
  int lld() const { return values_[8]; }
  // Global row (0-based) of local row `local_row` on this process.
  std::int64_t global_row(int local_row) const;

 private:
  std::array<int, 9> values_{};
  int local_rows_ = 0;
  int local_cols_ = 0;
  int myrow_ = 0;
  int nprow_ = 1;
};

}  // namespace gridnmf::linalg
