#pragma once

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf {

// The alternating driver under Hoyer's sparseness constraints
// (settings.sparseness, JMLR 2004 "nmfsc"): a constrained factor takes a
// gradient step of 0.5 ||V - WH||^2, each of its columns (W) or rows (H) is
// projected back onto the sparseness set, and the step is halved until the
// objective does not increase; an unconstrained factor takes the update of
// settings.algorithm. The products with V follow DESIGN.md section 1; the
// projections and trial objectives add allreduces over grid.all() of k x k
// (objective) and 2 k values (one per projection round). Collective over
// grid.all().
template <typename T>
Factorization<T> run_sparseness_updates(const ProcessGrid& grid, const Distribution& dist,
                                        const DataBlock<T>& v_block,
                                        const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                        LocalMatrix<T> ht_own, const SolverSettings& settings,
                                        const ProgressCallback& progress,
                                        const DriverControl<T>& control);

}  // namespace gridnmf
