#include "half_exchange.hpp"

#include "gridnmf/comm/collectives.hpp"

namespace gridnmf {

template <typename T>
HalfExchange<T>::HalfExchange(const ProcessGrid& grid, const Distribution& dist, std::int64_t k,
                              perf::PhaseClock& clock)
    : grid_(grid),
      k_(k),
      clock_(clock),
      w_pieces_(dist.w_piece_sizes(grid.row())),
      h_pieces_(dist.h_piece_sizes(grid.col())) {}

template <typename T>
typename HalfExchange<T>::Line HalfExchange<T>::line_of(Half factor) const {
  if (factor == Half::kH) return {grid_.col_comm(), h_pieces_};
  return {grid_.row_comm(), w_pieces_};
}

template <typename T>
void HalfExchange<T>::gather(Half half, const T* fixed_own, T* fixed_block) {
  clock_.enter(perf::Phase::kAllgather);
  const Line line = line_of(half == Half::kH ? Half::kW : Half::kH);  // the fixed factor's
  comm::allgather_rows(line.comm, fixed_own, line.pieces, k_, fixed_block);
}

template <typename T>
void HalfExchange<T>::sum(Half half, const T* partial, T* cross_own) {
  clock_.enter(perf::Phase::kReduceScatter);
  const Line line = line_of(half);  // the updated factor's
  comm::reduce_scatter_rows(line.comm, partial, line.pieces, k_, cross_own);
}

template <typename T>
void HalfExchange<T>::gather_multiply_sum(Half half, const T* fixed_own, T* fixed_block,
                                          const LocalProduct& product, T* partial,
                                          T* cross_own) {
  gather(half, fixed_own, fixed_block);
  clock_.enter(perf::Phase::kGemm);
  product(fixed_block, partial);
  sum(half, partial, cross_own);
}

template class HalfExchange<double>;
template class HalfExchange<float>;

}  // namespace gridnmf
