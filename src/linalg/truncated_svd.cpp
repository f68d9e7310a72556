#include "gridnmf/linalg/truncated_svd.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/init/counter_random.hpp"
#include "gridnmf/linalg/small_svd.hpp"
#include "gridnmf/linalg/tall_skinny_qr.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/block_products.hpp"

namespace gridnmf::linalg {

namespace {

// The products of a sketch with V in the driver's layouts: V^T X takes X in
// owned-W-rows layout to owned-H-columns layout (gather over the grid row,
// local GEMM, reduce-scatter over the grid column), V Y the reverse. Inputs
// and outputs are double; the GEMM runs in the precision of V.
template <typename T>
class SketchProducts {
 public:
  SketchProducts(const ProcessGrid& grid, const Distribution& dist,
                 const DataBlock<T>& v_block, std::int64_t width)
      : grid_(grid),
        width_(width),
        w_pieces_(dist.w_piece_sizes(grid.row())),
        h_pieces_(dist.h_piece_sizes(grid.col())),
        products_(v_block, width),
        rows_by_l_(v_block.rows(), width),
        cols_by_l_(v_block.cols(), width),
        own_rows_(dist.owned_w_rows(grid.row(), grid.col()).size, width),
        own_cols_(dist.owned_h_cols(grid.row(), grid.col()).size, width) {}

  // V Omega for the Gaussian test matrix Omega (n x l), entry (c, t) drawn
  // at global index c * l + t; each rank makes the rows of its block columns.
  LocalMatrix<double> v_times_test_matrix(const IndexRange& block_cols, std::uint64_t seed) {
    for (std::int64_t c = 0; c < block_cols.size; ++c) {
      const auto first = static_cast<std::uint64_t>((block_cols.begin + c) * width_);
      for (std::int64_t t = 0; t < width_; ++t) {
        cols_by_l_(c, t) = static_cast<T>(random_normal(seed, RandomStream::kSketch, first + t));
      }
    }
    products_.v_times(cols_by_l_.data(), rows_by_l_.data());
    comm::reduce_scatter_rows(grid_.row_comm(), rows_by_l_.data(), w_pieces_, width_,
                              own_rows_.data());
    return to_double(own_rows_);
  }

  LocalMatrix<double> transposed_v_times(const LocalMatrix<double>& x_own) {
    from_double(x_own, own_rows_);
    comm::allgather_rows(grid_.row_comm(), own_rows_.data(), w_pieces_, width_,
                         rows_by_l_.data());
    products_.transposed_v_times(rows_by_l_.data(), cols_by_l_.data());
    comm::reduce_scatter_rows(grid_.col_comm(), cols_by_l_.data(), h_pieces_, width_,
                              own_cols_.data());
    return to_double(own_cols_);
  }

  LocalMatrix<double> v_times(const LocalMatrix<double>& y_own) {
    from_double(y_own, own_cols_);
    comm::allgather_rows(grid_.col_comm(), own_cols_.data(), h_pieces_, width_,
                         cols_by_l_.data());
    products_.v_times(cols_by_l_.data(), rows_by_l_.data());
    comm::reduce_scatter_rows(grid_.row_comm(), rows_by_l_.data(), w_pieces_, width_,
                              own_rows_.data());
    return to_double(own_rows_);
  }

 private:
  static LocalMatrix<double> to_double(const LocalMatrix<T>& a) {
    LocalMatrix<double> out(a.rows, a.cols);
    std::copy(a.values.begin(), a.values.end(), out.values.begin());
    return out;
  }
  static void from_double(const LocalMatrix<double>& a, LocalMatrix<T>& out) {
    std::transform(a.values.begin(), a.values.end(), out.values.begin(),
                   [](double x) { return static_cast<T>(x); });
  }

  const ProcessGrid& grid_;
  std::int64_t width_;
  std::vector<std::int64_t> w_pieces_;
  std::vector<std::int64_t> h_pieces_;
  local::BlockProducts<T> products_;
  LocalMatrix<T> rows_by_l_;  // m_i x l
  LocalMatrix<T> cols_by_l_;  // n_j x l
  LocalMatrix<T> own_rows_;   // owned W rows x l
  LocalMatrix<T> own_cols_;   // owned H columns x l
};

// The row pieces of every rank of the grid, indexed by rank in grid.all().
std::vector<IndexRange> w_layout(const ProcessGrid& grid, const Distribution& dist) {
  std::vector<IndexRange> pieces(static_cast<size_t>(grid.size()));
  for (int r = 0; r < grid.size(); ++r)
    pieces[r] = dist.owned_w_rows(r / grid.shape().cols, r % grid.shape().cols);
  return pieces;
}

std::vector<IndexRange> h_layout(const ProcessGrid& grid, const Distribution& dist) {
  std::vector<IndexRange> pieces(static_cast<size_t>(grid.size()));
  for (int r = 0; r < grid.size(); ++r)
    pieces[r] = dist.owned_h_cols(r / grid.shape().cols, r % grid.shape().cols);
  return pieces;
}

// x (rows x l) times the first k columns of the l x l matrix `basis`.
LocalMatrix<double> leading_combination(const LocalMatrix<double>& x,
                                        const LocalMatrix<double>& basis, std::int64_t k) {
  LocalMatrix<double> out(x.rows, k);
  local::gemm(false, false, x.rows, k, x.cols, 1.0, x.data(), x.cols, basis.data(), basis.cols,
              0.0, out.data(), k);
  return out;
}

}  // namespace

template <typename T>
TruncatedSvd truncated_svd(const ProcessGrid& grid, const Distribution& dist,
                           const DataBlock<T>& v_block, std::int64_t k,
                           const SvdSettings& settings) {
  const std::int64_t smaller = std::min(dist.rows(), dist.cols());
  if (k < 1 || k > smaller) {
    throw std::logic_error("truncated_svd: k = " + std::to_string(k) + " outside [1, " +
                           std::to_string(smaller) + "]");
  }
  const std::int64_t width =
      std::min(k + std::max<std::int64_t>(settings.oversampling, 0), smaller);
  const std::vector<IndexRange> rows_layout = w_layout(grid, dist);
  const std::vector<IndexRange> cols_layout = h_layout(grid, dist);
  SketchProducts<T> products(grid, dist, v_block, width);
  TallSkinnyQr qr(grid.all());

  // Q: orthonormal basis of range(V Omega), refined by power iterations.
  LocalMatrix<double> q =
      products.v_times_test_matrix(dist.block_cols(grid.col()), settings.seed);
  qr.factor(rows_layout, q);
  for (int it = 0; it < settings.power_iterations; ++it) {
    LocalMatrix<double> z = products.transposed_v_times(q);
    qr.factor(cols_layout, z);
    q = products.v_times(z);
    qr.factor(rows_layout, q);
  }
  // V ~ Q Q^T V = Q Z^T with Z = V^T Q = Qz R and R = Ur S Vr^T, so
  // V ~ (Q Vr) S (Qz Ur)^T.
  LocalMatrix<double> z = products.transposed_v_times(q);
  const LocalMatrix<double> r = qr.factor(cols_layout, z);
  SmallSvd small = small_svd(r);
  comm::broadcast(grid.all(), small.u.data(), small.u.size());
  comm::broadcast(grid.all(), small.s.data(), static_cast<std::int64_t>(small.s.size()));
  comm::broadcast(grid.all(), small.v.data(), small.v.size());

  TruncatedSvd out;
  out.values.assign(small.s.begin(), small.s.begin() + k);
  out.u_own = leading_combination(q, small.v, k);
  out.v_own = leading_combination(z, small.u, k);
  return out;
}

template TruncatedSvd truncated_svd<double>(const ProcessGrid&, const Distribution&,
                                            const DataBlock<double>&, std::int64_t,
                                            const SvdSettings&);
template TruncatedSvd truncated_svd<float>(const ProcessGrid&, const Distribution&,
                                           const DataBlock<float>&, std::int64_t,
                                           const SvdSettings&);

}  // namespace gridnmf::linalg
