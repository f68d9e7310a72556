// The pixel purity behind --sparsity auto: high on a scene whose pixels are
// nearly all pure, low on a heavily mixed one, and the same on every grid
// (SPA and the NNLS solve do not depend on the grid).
#include <gtest/gtest.h>

#include <string>

#include "distributed_helpers.hpp"
#include "gridnmf/generate/hyperspectral_scene.hpp"
#include "gridnmf/unmix/pixel_purity.hpp"

namespace gridnmf::testing {
namespace {

double purity_on_every_grid(double sharpness, bool pure_pixels) {
  HyperspectralScene scene;
  scene.image_rows = 30;
  scene.image_cols = 26;
  scene.bands = 50;
  scene.endmembers = 4;
  scene.snr_db = 30;
  scene.mixing_sharpness = sharpness;
  scene.pure_pixels = pure_pixels;
  scene.seed = 3;
  const SceneModel model(scene);
  const double sigma = scene_noise_sigma(MPI_COMM_WORLD, model);
  double first = -1.0;
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE("grid " + shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(scene.bands, scene.pixels(), shape.rows, shape.cols);
    const DataBlock<double> v(
        model.block<double>(dist.block_rows(grid.row()), dist.block_cols(grid.col()), sigma));
    const double purity = unmix::pixel_purity(grid, dist, v, scene.endmembers);
    if (first < 0.0) first = purity;
    EXPECT_NEAR(purity, first, 1e-12);
  }
  return first;
}

TEST(PixelPurity, SeparatesNearlyPureFromMixedScenes) {
  EXPECT_GT(purity_on_every_grid(40.0, true), 0.75);  // --sparsity auto: 1
  EXPECT_LT(purity_on_every_grid(3.0, false), 0.5);   // --sparsity auto: 0
}

}  // namespace
}  // namespace gridnmf::testing
