#pragma once

#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::comm {

// Each component's share of the reconstruction: the sum over all entries of
// W[:, l] H[l, :], which is (1^T w_l)(h_l 1), divided by sum(W H); k values
// summing to 1 (all 0 when W H is 0). From the owned pieces (W rows x k, H
// stored transposed, columns x k): two k-vector sums. Replicated; collective
// over grid.all().
template <typename T>
std::vector<double> component_shares(const ProcessGrid& grid, const LocalMatrix<T>& w_own,
                                     const LocalMatrix<T>& ht_own);

}  // namespace gridnmf::comm
