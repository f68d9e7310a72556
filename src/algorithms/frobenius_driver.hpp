#pragma once

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf {

// The alternating driver for the Frobenius loss (every algorithm): the
// communication pattern of DESIGN.md section 1, with the error, penalties,
// projected gradient and elapsed time riding on the two Gram allreduces.
// Collective over grid.all().
template <typename T>
Factorization<T> run_frobenius_updates(const ProcessGrid& grid, const Distribution& dist,
                                       const DataBlock<T>& v_block,
                                       const MatrixStatistics& v_stats, LocalMatrix<T> w_own,
                                       LocalMatrix<T> ht_own, const SolverSettings& settings,
                                       const ProgressCallback& progress,
                                       const DriverControl<T>& control);

}  // namespace gridnmf
