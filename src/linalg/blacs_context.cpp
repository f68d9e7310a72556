#include "gridnmf/linalg/blacs_context.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "gridnmf/comm/collectives.hpp"
#include "scalapack_api.hpp"

namespace gridnmf::linalg {

BlacsContext::BlacsContext(MPI_Comm comm, int nprow, int npcol) : nprow_(nprow), npcol_(npcol) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  if (nprow < 1 || npcol < 1 || nprow * npcol != size) {
    throw std::logic_error("BLACS grid " + std::to_string(nprow) + " x " +
                           std::to_string(npcol) + " does not match " + std::to_string(size) +
                           " ranks");
  }
  // The system handle only names the communicator; gridinit duplicates it.
  const int system = Csys2blacs_handle(comm);
  context_ = system;
  Cblacs_gridinit(&context_, "Row", nprow, npcol);
  Cfree_blacs_system_handle(system);
  int rows = 0, cols = 0;
  Cblacs_gridinfo(context_, &rows, &cols, &myrow_, &mycol_);
  if (rows != nprow || cols != npcol || myrow_ < 0) {
    throw std::logic_error("BLACS did not create the requested " + std::to_string(nprow) +
                           " x " + std::to_string(npcol) + " grid");
  }
}

BlacsContext::~BlacsContext() { release(); }

BlacsContext::BlacsContext(BlacsContext&& other) noexcept
    : context_(std::exchange(other.context_, -1)),
      nprow_(other.nprow_),
      npcol_(other.npcol_),
      myrow_(other.myrow_),
      mycol_(other.mycol_) {}

BlacsContext& BlacsContext::operator=(BlacsContext&& other) noexcept {
  if (this != &other) {
    release();
    context_ = std::exchange(other.context_, -1);
    nprow_ = other.nprow_;
    npcol_ = other.npcol_;
    myrow_ = other.myrow_;
    mycol_ = other.mycol_;
  }
  return *this;
}

void BlacsContext::release() noexcept {
  if (context_ >= 0) Cblacs_gridexit(context_);
  context_ = -1;
}

Descriptor::Descriptor(const BlacsContext& context, std::int64_t m, std::int64_t n,
                       std::int64_t mb, std::int64_t nb, int row_source, int col_source)
    : myrow_(context.myrow()), nprow_(context.nprow()) {
  const int im = comm::checked_count(m), in = comm::checked_count(n);
  const int imb = comm::checked_count(std::max<std::int64_t>(mb, 1));
  const int inb = comm::checked_count(std::max<std::int64_t>(nb, 1));
  const int myrow = context.myrow(), mycol = context.mycol();
  const int nprow = context.nprow(), npcol = context.npcol();
  local_rows_ = numroc_(&im, &imb, &myrow, &row_source, &nprow);
  local_cols_ = numroc_(&in, &inb, &mycol, &col_source, &npcol);
  values_ = {1, context.get(), im, in, imb, inb, row_source, col_source,
             std::max(1, local_rows_)};
}

std::int64_t Descriptor::global_row(int local_row) const {
  const std::int64_t mb = values_[4];
  const int source = values_[6];
  const std::int64_t block = local_row / mb;
  const int process_offset = (myrow_ - source + nprow_) % nprow_;
  return (block * nprow_ + process_offset) * mb + local_row % mb;
}

}  // namespace gridnmf::linalg
