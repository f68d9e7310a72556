#pragma once

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf {

// The alternating driver for beta-divergence losses other than Frobenius (MU
// only). Each half forms W_i H_j tile by tile from the gathered W_i and H_j;
// the H half also yields the divergence of the current iterate, so the
// objective of iterate t is known during iteration t + 1 and one evaluation
// pass follows the last iteration. Collective over grid.all().
template <typename T>
Factorization<T> run_divergence_updates(const ProcessGrid& grid, const Distribution& dist,
                                        const DataBlock<T>& v_block,
                                        const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                        LocalMatrix<T> ht_own, const SolverSettings& settings,
                                        const ProgressCallback& progress,
                                        const DriverControl<T>& control);

}  // namespace gridnmf
