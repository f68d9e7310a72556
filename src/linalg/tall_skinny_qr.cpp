#include "gridnmf/linalg/tall_skinny_qr.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "scalapack_api.hpp"

namespace gridnmf::linalg {

namespace {

int communicator_size(MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

void check_info(int info, const char* routine) {
  if (info != 0) {
    throw std::logic_error(std::string(routine) + " failed with info " + std::to_string(info));
  }
}

// PDGEMR2D between rank r's one-block piece and rows [begin, begin + size) of
// the block-distributed matrix, in the direction `to_target`.
void copy_pieces(const BlacsContext& context, const std::vector<IndexRange>& pieces,
                 std::int64_t width, double* piece, double* target,
                 const Descriptor& target_desc, bool to_target) {
  const int ctx = context.get();
  const int n = static_cast<int>(width);
  const int one = 1;
  double dummy = 0.0;
  for (int r = 0; r < static_cast<int>(pieces.size()); ++r) {
    if (pieces[r].size == 0) continue;  // replicated: every rank skips the same calls
    const Descriptor piece_desc(context, pieces[r].size, width, pieces[r].size, width, r, 0);
    const int m = static_cast<int>(pieces[r].size);
    const int row = static_cast<int>(pieces[r].begin) + 1;
    double* local_piece = piece != nullptr ? piece : &dummy;
    double* local_target = target != nullptr ? target : &dummy;
    if (to_target) {
      pdgemr2d_(&m, &n, local_piece, &one, &one, piece_desc.get(), local_target, &row, &one,
                target_desc.get(), &ctx);
    } else {
      pdgemr2d_(&m, &n, local_target, &row, &one, target_desc.get(), local_piece, &one, &one,
                piece_desc.get(), &ctx);
    }
  }
}

// True when rank r's piece is exactly rows [r * block, (r + 1) * block) of
// the block distribution (the last one clipped at M): no copy is needed.
bool pieces_are_blocks(const std::vector<IndexRange>& pieces, std::int64_t block,
                       std::int64_t total) {
  for (size_t r = 0; r < pieces.size(); ++r) {
    const std::int64_t begin = std::min(total, static_cast<std::int64_t>(r) * block);
    const std::int64_t end = std::min(total, begin + block);
    if (pieces[r].size != end - begin || (pieces[r].size > 0 && pieces[r].begin != begin)) {
      return false;
    }
  }
  return true;
}

// Grows `buffer` to at least `size` entries; never shrinks (pages stay mapped).
double* at_least(std::vector<double>& buffer, size_t size) {
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

}  // namespace

TallSkinnyQr::TallSkinnyQr(MPI_Comm comm)
    : comm_(comm), context_(comm, communicator_size(comm), 1) {}

LocalMatrix<double> TallSkinnyQr::factor(const std::vector<IndexRange>& pieces,
                                         LocalMatrix<double>& own) {
  const int ranks = context_.nprow();
  const int me = context_.myrow();
  if (static_cast<int>(pieces.size()) != ranks || own.rows != pieces[me].size) {
    throw std::logic_error("TallSkinnyQr: pieces do not match the communicator or the rows held");
  }
  std::int64_t total = 0;
  for (const IndexRange& piece : pieces) total += piece.size;
  const std::int64_t l = own.cols;
  if (l > total) throw std::logic_error("TallSkinnyQr: more columns than rows");

  // Block distribution on the P x 1 grid: ceil(M / P) rows per process.
  const std::int64_t block = std::max<std::int64_t>(1, (total + ranks - 1) / ranks);
  const Descriptor target_desc(context_, total, l, block, l);
  const bool in_place = pieces_are_blocks(pieces, block, total);
  const size_t target_size = static_cast<size_t>(target_desc.lld()) * l;

  // Column-major copy of this rank's piece (with the leading dimension of
  // the target when it is the target).
  const std::int64_t piece_ld = in_place ? target_desc.lld() : std::max<std::int64_t>(1, own.rows);
  double* piece = at_least(piece_, static_cast<size_t>(piece_ld * l));
  for (std::int64_t r = 0; r < own.rows; ++r)
    for (std::int64_t c = 0; c < l; ++c) piece[c * piece_ld + r] = own(r, c);
  double* target = in_place ? piece : at_least(target_, target_size);
  if (!in_place) copy_pieces(context_, pieces, l, piece, target, target_desc, true);

  const int m = static_cast<int>(total), n = static_cast<int>(l), one = 1;
  double* tau = at_least(tau_, static_cast<size_t>(std::max(1, target_desc.local_cols())));
  double query = 0.0;
  int lwork = -1, info = 0;
  pdgeqrf_(&m, &n, target, &one, &one, target_desc.get(), tau, &query, &lwork, &info);
  check_info(info, "PDGEQRF workspace query");
  lwork = static_cast<int>(query) + 1;
  pdgeqrf_(&m, &n, target, &one, &one, target_desc.get(), tau,
           at_least(work_, static_cast<size_t>(lwork)), &lwork, &info);
  check_info(info, "PDGEQRF");

  // R is the upper triangle of the first l global rows; the pieces are
  // disjoint, so the sum gives every rank the same R exactly.
  LocalMatrix<double> r_factor(l, l);
  for (int local = 0; local < target_desc.local_rows(); ++local) {
    const std::int64_t g = target_desc.global_row(local);
    if (g >= l) continue;
    for (std::int64_t c = g; c < l; ++c) {
      r_factor(g, c) = target[static_cast<size_t>(c) * target_desc.lld() + local];
    }
  }
  comm::allreduce_sum(comm_, r_factor.data(), l * l);

  lwork = -1;
  pdorgqr_(&m, &n, &n, target, &one, &one, target_desc.get(), tau, &query, &lwork, &info);
  check_info(info, "PDORGQR workspace query");
  lwork = static_cast<int>(query) + 1;
  pdorgqr_(&m, &n, &n, target, &one, &one, target_desc.get(), tau,
           at_least(work_, static_cast<size_t>(lwork)), &lwork, &info);
  check_info(info, "PDORGQR");

  if (!in_place) copy_pieces(context_, pieces, l, piece, target, target_desc, false);
  for (std::int64_t r = 0; r < own.rows; ++r)
    for (std::int64_t c = 0; c < l; ++c) own(r, c) = piece[c * piece_ld + r];
  return r_factor;
}

}  // namespace gridnmf::linalg
