#pragma once

#include <cstddef>
#include <cstdint>

#include "gridnmf/algorithms/loss.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::perf {

// Bytes rank (i, j) moves per iteration under the cost model of DESIGN.md
// section 1, 2 k (m/pr + n/pc) + 2 k^2 words, adjusted for what the rank owns:
// - allgathers: it receives the W_i and H_j rows it does not own,
//   k (m_i - own W rows) + k (n_j - own H columns) elements;
// - reduce-scatters: it sends the same amounts (the parts of V^T W_i and
//   V H_j^T that belong to the other ranks of its grid line); other losses
//   reduce-scatter a numerator and, unless beta = 1, a denominator per half;
// - allreduce: the two k x k Gram matrices (Frobenius) in double, whatever the
//   precision, or the k column sums of W (and, for beta = 1, of H^T);
//   nothing on one rank. The few scalars bundled with them are not modelled.
// So it compares with allgather.received + reduce_scatter.sent + allreduce of
// the counters (comm/traffic.hpp). Summed over ranks, bytes sent equal bytes
// received, so the mean over ranks of this model is also the model of the
// mean total sent and of the mean total received. element_bytes is the size
// of a factor entry (8 float64, 4 float32). Pure arithmetic.
double model_rank_bytes_per_iteration(const Distribution& dist, int i, int j, std::int64_t k,
                                      std::size_t element_bytes, const Loss& loss);

// The mean of model_rank_bytes_per_iteration over all ranks of the grid.
double model_bytes_per_iteration(const Distribution& dist, std::int64_t k,
                                 std::size_t element_bytes, const Loss& loss);

}  // namespace gridnmf::perf
