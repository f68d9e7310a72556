#include "gridnmf/unmix/unmixing_weights.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/linalg/truncated_svd.hpp"
#include "gridnmf/unmix/band_sparseness.hpp"
#include "gridnmf/unmix/pixel_purity.hpp"

namespace gridnmf::unmix {

double structure_share(double structured_energy, double noise_energy) {
  if (!(structured_energy > 0.0)) return 0.0;
  if (!(noise_energy > 0.0)) return 1.0;
  return std::clamp(2.0 * structured_energy / noise_energy - 1.0, 0.0, 1.0);
}

double sparsity_from_purity(double purity) {
  return std::clamp((purity - 0.5) / 0.25, 0.0, 1.0);
}

template <typename T>
DataScale measure_data_scale(const ProcessGrid& grid, const Distribution& dist,
                             const DataBlock<T>& v_block, const MatrixStatistics& stats,
                             std::int64_t k, const RelativeWeights& weights, std::uint64_t seed,
                             double noise_energy) {
  DataScale scale;
  scale.norm_squared = stats.sum_of_squares;
  scale.pixels = dist.cols();
  scale.bands = dist.rows();
  scale.sparsity = weights.sparsity;
  if (weights.sparsity_auto) {
    scale.pixel_purity = pixel_purity(grid, dist, v_block, k);
    scale.sparsity = sparsity_from_purity(scale.pixel_purity);
  }
  if (scale.sparsity > 0.0) scale.band_sparseness = band_sparseness(grid, dist, v_block);
  // HySime's noise outside a k-dimensional subspace: its share (m - k) / m.
  scale.noise_energy =
      noise_energy * static_cast<double>(dist.rows() - k) / static_cast<double>(dist.rows());
  if (weights.volume == 0.0) return scale;
  const std::int64_t count = std::min({3 * k, dist.rows(), dist.cols()});
  if (count <= k) return scale;
  linalg::SvdSettings settings;
  settings.seed = seed;
  const linalg::TruncatedSvd svd = linalg::truncated_svd(grid, dist, v_block, count, settings);
  double next = 0.0, after = 0.0;  // energies of k+1..2k and 2k+1..3k
  for (std::int64_t i = k; i < count; ++i) {
    const double energy = svd.values[i] * svd.values[i];
    (i < 2 * k ? next : after) += energy;
  }
  double leading = 0.0;  // energy of singular values 1..k
  for (std::int64_t i = 0; i < k; ++i) leading += svd.values[i] * svd.values[i];
  // What a rank-k model misses beyond the noise HySime measured there:
  // bounds S when the noise is not white, whose singular values then fall
  // off and pass for structure.
  const double beyond_noise = stats.sum_of_squares - leading - scale.noise_energy;
  scale.structured_energy = std::max(std::min(next - after, beyond_noise), 0.0);
  scale.structure_share = structure_share(scale.structured_energy, scale.noise_energy);
  scale.singular_values = count;
  return scale;
}

UnmixingTerms absolute_terms(const RelativeWeights& weights, const DataScale& scale) {
  const double pixel_energy =
      scale.pixels > 0 ? scale.norm_squared / static_cast<double>(scale.pixels) : 0.0;
  UnmixingTerms terms;
  terms.sum_to_one_weight = weights.sum_to_one * std::sqrt(pixel_energy);
  if (weights.volume > 0.0 || weights.volume_floor > 0.0) {
    terms.volume_weight = weights.volume * scale.structure_share * scale.structured_energy +
                          weights.volume_floor * scale.norm_squared;
    terms.volume_epsilon = weights.volume_epsilon * pixel_energy;
  }
  if (scale.sparsity > 0.0 && scale.bands > 0 && scale.pixels > 0) {
    terms.half_norm_weight = scale.sparsity * scale.band_sparseness * scale.norm_squared /
                             (static_cast<double>(scale.bands) * static_cast<double>(scale.pixels));
  }
  return terms;
}

template DataScale measure_data_scale<double>(const ProcessGrid&, const Distribution&,
                                              const DataBlock<double>&, const MatrixStatistics&,
                                              std::int64_t, const RelativeWeights&, std::uint64_t,
                                              double);
template DataScale measure_data_scale<float>(const ProcessGrid&, const Distribution&,
                                             const DataBlock<float>&, const MatrixStatistics&,
                                             std::int64_t, const RelativeWeights&, std::uint64_t,
                                             double);

}  // namespace gridnmf::unmix
