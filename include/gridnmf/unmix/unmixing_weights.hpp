#pragma once

#include <cstdint>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::unmix {

// The unmixing weights as the user gives them: scale-free multiples of
// quantities measured on V, so one setting fits raw counts and reflectance,
// small and large scenes alike (see README "gridnmf unmix").
struct RelativeWeights {
  // delta = sum_to_one * sqrt(||V||_F^2 / n), the RMS pixel norm: the appended
  // row then weighs like sum_to_one^2 pixels' worth of data per pixel.
  double sum_to_one = 10.0;
  // lambda = volume * S + volume_floor * ||V||_F^2, where S is the energy of
  // V that a rank-k model misses but that is not white noise: the energy of
  // singular values k+1..2k minus that of 2k+1..3k (0 when negative). Real
  // scenes (endmember variability) have S of 70-80% of the rank-k residual,
  // white sensor noise about 0, so the volume term pulls hard only where
  // the data leave the simplex for structured reasons; the floor keeps a
  // little pull on noise-free scenes without pure pixels.
  double volume = 8.0;
  double volume_floor = 3e-5;
  // epsilon = volume_epsilon * ||V||_F^2 / n in log det(P W^T W P + eps I).
  double volume_epsilon = 0.01;
  // L1/2 sparsity of the abundances: lambda = sparsity x Qian's estimate
  // (unmix/band_sparseness.hpp) x ||V||_F^2 / (m n), the mean squared entry,
  // which puts Qian's reflectance-scale weight on the data's own scale.
  // With sparsity_auto (--sparsity auto, the default) the multiplier comes
  // from the scene's measured pixel purity (sparsity_from_purity) instead.
  double sparsity = 0.0;
  bool sparsity_auto = true;
};

// The part of the structured residual S the volume term counts: all of it
// when S is at least `noise_energy` (the noise a rank-k model leaves), none
// below half of it, linearly between. Real scenes leave the simplex for
// structured reasons far above their noise (samson S = 13 x, jasper_ridge
// 4.7 x the noise HySime measures); on generated scenes S is a leftover of
// non-white noise or of a little non-linearity (saturated bands), below a
// fifth of the noise, and pulling the simplex in then only shrinks it past
// the true one. Pure.
double structure_share(double structured_energy, double noise_energy);

// The multiplier --sparsity auto gives the L1/2 term: 0 while at most half
// of the pixels are nearly pure (unmix/pixel_purity.hpp), 1 once three
// quarters are, linear between. L1/2's premise is that most pixels hold
// one endmember; on mixed scenes it pulls the endmembers into the data
// cloud. Pure.
double sparsity_from_purity(double purity);

// What was measured on V to turn RelativeWeights into absolute ones.
struct DataScale {
  double norm_squared = 0.0;         // ||V||_F^2
  std::int64_t pixels = 0;           // n
  double structured_energy = 0.0;    // S above
  std::int64_t singular_values = 0;  // how many the SVD gave (min(3k, m, n))
  std::int64_t bands = 0;            // m
  double band_sparseness = 0.0;      // Qian's estimate (0 when sparsity is off)
  double noise_energy = 0.0;         // HySime's noise outside rank k (compared with S)
  double structure_share = 0.0;      // structure_share(S, noise_energy): the part of S used
  double pixel_purity = -1.0;        // measured with --sparsity auto, else -1
  double sparsity = 0.0;             // the sparsity multiplier used (given or from purity)
};

// Measures S from the leading min(3k, m, n) singular values of V (one
// randomized truncated SVD, seeded, grid-independent up to rounding; skipped
// when the volume weight is 0), capped by the energy beyond rank k minus the
// part of `noise_energy` (HySime's estimate of the noise in V, summed over
// all entries) outside a k-dimensional subspace, and the share of S that
// stands out from that noise; with sparsity_auto the pixel purity, and
// Qian's estimate when the sparsity multiplier is > 0. Deterministic (SPA
// and a seeded SVD), so a resumed run measures the same. Collective over
// grid.all().
template <typename T>
DataScale measure_data_scale(const ProcessGrid& grid, const Distribution& dist,
                             const DataBlock<T>& v_block, const MatrixStatistics& stats,
                             std::int64_t k, const RelativeWeights& weights, std::uint64_t seed,
                             double noise_energy);

// The absolute weights for SolverSettings::unmixing. Pure.
UnmixingTerms absolute_terms(const RelativeWeights& weights, const DataScale& scale);

}  // namespace gridnmf::unmix
