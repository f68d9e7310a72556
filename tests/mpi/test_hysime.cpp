// HySime (--endmembers auto) on generated scenes: the true number of
// endmembers for 3 to 10 endmembers at 25 to 40 dB in at least 9 of 10 seeds,
// with the distributed band correlation giving the same answer as the whole
// matrix on one rank (so 1 and 3 ranks agree).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "distributed_helpers.hpp"
#include "gridnmf/generate/hyperspectral_scene.hpp"
#include "gridnmf/local/hysime.hpp"
#include "gridnmf/unmix/band_correlation.hpp"

namespace gridnmf::testing {
namespace {

struct HysimeCase {
  std::int64_t endmembers;
  double snr_db;
  bool band_noise;
};

// Whole-matrix V V^T in the plainest loops: the one-rank answer.
std::vector<double> whole_correlation(const SceneModel& model, double sigma) {
  const HyperspectralScene& s = model.scene();
  const LocalMatrix<double> v = model.block<double>({0, s.bands}, {0, s.pixels()}, sigma);
  std::vector<double> r(static_cast<size_t>(s.bands * s.bands), 0.0);
  for (std::int64_t a = 0; a < s.bands; ++a)
    for (std::int64_t b = 0; b < s.bands; ++b)
      for (std::int64_t p = 0; p < s.pixels(); ++p) r[a * s.bands + b] += v(a, p) * v(b, p);
  return r;
}

TEST(Hysime, FindsTheNumberOfEndmembersOnEveryGrid) {
  const HysimeCase cases[] = {{3, 25, false}, {5, 30, false}, {8, 35, true}, {10, 25, false},
                              {10, 40, false}};
  for (const HysimeCase& c : cases) {
    int correct = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      HyperspectralScene scene;
      scene.image_rows = 36;
      scene.image_cols = 40;
      scene.bands = 90;
      scene.endmembers = c.endmembers;
      scene.snr_db = c.snr_db;
      scene.band_noise = c.band_noise;
      scene.seed = seed;
      const SceneModel model(scene);
      const double sigma = scene_noise_sigma(MPI_COMM_WORLD, model);
      const local::HysimeEstimate whole =
          local::hysime(whole_correlation(model, sigma), scene.bands, scene.pixels());
      correct += whole.dimension == c.endmembers;
      for (const GridShape shape : all_grid_shapes(world_size())) {
        SCOPED_TRACE("k " + std::to_string(c.endmembers) + " snr " + std::to_string(c.snr_db) +
                     " seed " + std::to_string(seed) + " grid " + shape.to_string());
        const ProcessGrid grid(MPI_COMM_WORLD, shape);
        const Distribution dist(scene.bands, scene.pixels(), shape.rows, shape.cols);
        const DataBlock<double> v(model.block<double>(dist.block_rows(grid.row()),
                                                      dist.block_cols(grid.col()), sigma));
        const local::HysimeEstimate got =
            local::hysime(unmix::band_correlation(grid, dist, v), scene.bands, scene.pixels());
        EXPECT_EQ(got.dimension, whole.dimension);
        EXPECT_NEAR(got.noise_power, whole.noise_power, 1e-8 * whole.noise_power);
      }
      // The noise estimate is the generator's noise within a few percent.
      const double true_power = sigma * sigma * static_cast<double>(scene.bands);
      EXPECT_NEAR(whole.noise_power, true_power, 0.1 * true_power);
    }
    EXPECT_GE(correct, 9) << "k " << c.endmembers << " at " << c.snr_db << " dB";
  }
}

TEST(Hysime, DeadBandsDoNotBreakIt) {
  HyperspectralScene scene;
  scene.image_rows = scene.image_cols = 30;
  scene.bands = 80;
  scene.endmembers = 4;
  scene.snr_db = 30;
  scene.dead_bands = 0.05;
  scene.saturated_bands = 0.03;
  scene.seed = 2;
  const SceneModel model(scene);
  const double sigma = scene_noise_sigma(MPI_COMM_WORLD, model);
  const local::HysimeEstimate got =
      local::hysime(whole_correlation(model, sigma), scene.bands, scene.pixels());
  EXPECT_GE(got.dimension, 4);
  EXPECT_LE(got.dimension, 6);  // saturation adds a little non-linear signal
}

}  // namespace
}  // namespace gridnmf::testing
