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
void HalfExchange<T>::gather(Half half, const T* fixed_own, T* fixed_block) {
  clock_.enter(perf::Phase::kAllgather);
  if (half == Half::kH) {
    comm::allgather_rows(grid_.row_comm(), fixed_own, w_pieces_, k_, fixed_block);
  } else {
    comm::allgather_rows(grid_.col_comm(), fixed_own, h_pieces_, k_, fixed_block);
  }
}

template <typename T>
void HalfExchange<T>::sum(Half half, const T* partial, T* cross_own) {
  clock_.enter(perf::Phase::kReduceScatter);
  if (half == Half::kH) {
    comm::reduce_scatter_rows(grid_.col_comm(), partial, h_pieces_, k_, cross_own);
  } else {
    comm::reduce_scatter_rows(grid_.row_comm(), partial, w_pieces_, k_, cross_own);
  }
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
