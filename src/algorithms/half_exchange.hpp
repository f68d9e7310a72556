#pragma once

// The communication around each half's cross product (DESIGN.md section 1,
// steps 2 to 4), written once for the drivers. Private to algorithms/.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf {

// The factor a half updates. The H half gathers W_i over the row
// communicator and sums its partial products over the column communicator;
// the W half is the mirror image.
enum class Half { kH, kW };

// Gather, local product and sum of one half, each step in its phase of the
// driver's clock (kAllgather, kGemm, kReduceScatter), so the report's phase
// times and traffic are the same whichever driver runs it.
template <typename T>
class HalfExchange {
 public:
  // The local product of the gathered block of the fixed factor with V_ij:
  // V_ij^T W_i (H half) or V_ij H_j^T (W half), a partial cross product.
  using LocalProduct = std::function<void(const T* gathered, T* partial)>;

  // Keeps references to grid and clock, which must outlive it.
  HalfExchange(const ProcessGrid& grid, const Distribution& dist, std::int64_t k,
               perf::PhaseClock& clock);

  // The owned rows of the fixed factor (W for the H half, H^T for the W
  // half) into its block W_i or H_j^T. Collective over the row (H half) or
  // column (W half) communicator.
  void gather(Half half, const T* fixed_own, T* fixed_block);

  // Sums `partial` (one row per column of V_ij for the H half, per row for
  // the W half) over the grid line and leaves the owned rows of the updated
  // factor's cross product in `cross_own`. Collective over the column (H
  // half) or row (W half) communicator.
  void sum(Half half, const T* partial, T* cross_own);

  // gather, product, sum: (W^T V)^T for the owned H columns (H half) or
  // V H^T for the owned W rows (W half) in `cross_own`.
  void gather_multiply_sum(Half half, const T* fixed_own, T* fixed_block,
                           const LocalProduct& product, T* partial, T* cross_own);

 private:
  // The grid line a factor's owned rows are split over, with the piece sizes:
  // W's over the row communicator, H's over the column communicator.
  struct Line {
    MPI_Comm comm;
    const std::vector<std::int64_t>& pieces;
  };
  Line line_of(Half factor) const;

  const ProcessGrid& grid_;
  const std::int64_t k_;
  perf::PhaseClock& clock_;
  const std::vector<std::int64_t> w_pieces_, h_pieces_;
};

}  // namespace gridnmf
