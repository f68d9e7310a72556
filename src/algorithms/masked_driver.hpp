#pragma once

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf {

// The alternating driver with missing and held-out entries
// (SolverSettings::mask), dense or sparse blocks: every half forms its masked
// terms with local/masked_terms.hpp (the products of unmasked MU and a pass
// over the unobserved entries; dense KL forms W_i H_j in tiles), evaluates
// the current iterate on the observed and the held-out entries in the H half,
// and updates by masked MU (Frobenius, KL) or, for hals and bpp, by the
// unmasked rule on V with its unobserved entries filled by the current W H
// (EM imputation). Collective over grid.all(). settings must have passed
// validate().
template <typename T>
Factorization<T> run_masked_updates(const ProcessGrid& grid, const Distribution& dist,
                                    const DataBlock<T>& v_block, LocalMatrix<T> w_own,
                                    LocalMatrix<T> ht_own, const SolverSettings& settings,
                                    const ProgressCallback& progress,
                                    const DriverControl<T>& control);

}  // namespace gridnmf
