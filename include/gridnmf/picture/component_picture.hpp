#pragma once

#include <cstdint>

#include "gridnmf/matrix/local_matrix.hpp"
#include "gridnmf/picture/raster.hpp"

namespace gridnmf::picture {

// What `gridnmf images` draws: the columns of W as images, and optionally a
// few images of V next to their reconstructions W h_j.
struct ComponentPicture {
  LocalMatrix<double> components;       // pixels x k (W)
  LocalMatrix<double> originals;        // pixels x count (V columns), may be empty
  LocalMatrix<double> reconstructions;  // pixels x count (W H columns), same shape
  std::int64_t image_rows = 0;          // pixel p is (p / image_cols, p % image_cols)
  std::int64_t image_cols = 0;
  std::int64_t columns = 0;  // tiles per row; 0: the smallest c with c^2 >= k
  int scale = 3;             // screen pixels per image pixel
};

// Where the tiles went, for messages and tests.
struct PictureLayout {
  std::int64_t tile_columns = 0, tile_rows = 0;  // of the component grid
  std::int64_t tile_width = 0, tile_height = 0;  // screen pixels of one tile
  bool signed_values = false;                    // diverging colours (a negative entry in W)
};

// Draws the components as a grid of tiles, each scaled to its own largest
// magnitude, with one colour bar for all (white = 0, black = the tile's
// maximum; blue-white-red from -max to max when W has negative entries, as
// principal components do). Originals and reconstructions, if given, follow
// in two rows below, each pair scaled to the original's maximum.
Raster draw_components(const ComponentPicture& picture, PictureLayout* layout = nullptr);

}  // namespace gridnmf::picture
