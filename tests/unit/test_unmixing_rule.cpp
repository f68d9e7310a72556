// The per-scene rule of gridnmf unmix's default weights (README "unmix"):
// the sparsity multiplier from the pixel purity, the share of the
// structured residual the volume term counts, and their use in the
// absolute weights.
#include <gtest/gtest.h>

#include "gridnmf/unmix/unmixing_weights.hpp"

namespace gridnmf::unmix {
namespace {

TEST(UnmixingRule, SparsityFromPurityRampsFromHalfToThreeQuarters) {
  EXPECT_EQ(sparsity_from_purity(0.0), 0.0);
  EXPECT_EQ(sparsity_from_purity(0.5), 0.0);
  EXPECT_DOUBLE_EQ(sparsity_from_purity(0.625), 0.5);
  EXPECT_EQ(sparsity_from_purity(0.75), 1.0);
  EXPECT_EQ(sparsity_from_purity(1.0), 1.0);
}

TEST(UnmixingRule, StructureCountsOnlyAboveTheNoise) {
  EXPECT_EQ(structure_share(0.0, 1.0), 0.0);
  EXPECT_EQ(structure_share(0.4, 1.0), 0.0);   // a leftover of the noise
  EXPECT_DOUBLE_EQ(structure_share(0.75, 1.0), 0.5);
  EXPECT_EQ(structure_share(1.0, 1.0), 1.0);
  EXPECT_EQ(structure_share(13.0, 1.0), 1.0);  // samson: 13 x the noise
  EXPECT_EQ(structure_share(1e-9, 0.0), 1.0);  // noise-free: all of it
}

TEST(UnmixingRule, AbsoluteTermsUseTheMeasuredShares) {
  RelativeWeights weights;  // volume 8, floor 3e-5, sparsity auto
  DataScale scale;
  scale.norm_squared = 100.0;
  scale.pixels = 25;
  scale.bands = 4;
  scale.structured_energy = 2.0;
  scale.structure_share = 0.5;
  scale.band_sparseness = 0.3;
  scale.sparsity = 1.0;
  const UnmixingTerms terms = absolute_terms(weights, scale);
  EXPECT_DOUBLE_EQ(terms.volume_weight, 8.0 * 0.5 * 2.0 + 3e-5 * 100.0);
  EXPECT_DOUBLE_EQ(terms.half_norm_weight, 1.0 * 0.3 * 100.0 / (4.0 * 25.0));
  scale.sparsity = 0.0;
  EXPECT_EQ(absolute_terms(weights, scale).half_norm_weight, 0.0);
}

}  // namespace
}  // namespace gridnmf::unmix
