#include "gridnmf/picture/component_picture.hpp"

#include <algorithm>
#include <cmath>

namespace gridnmf::picture {

namespace {

constexpr std::int64_t kMargin = 8;
constexpr std::int64_t kGap = 4;           // between tiles
constexpr std::int64_t kBarGap = 12;       // grid to colour bar
constexpr std::int64_t kBarWidth = 16;
constexpr std::int64_t kSectionGap = 16;   // components to reconstructions
constexpr int kTextSize = 2;
const Rgb kText{0, 0, 0};
// Light grey between the tiles, so a tile's white (zero) pixels show its edge.
constexpr std::uint8_t kBackground = 215;

// Column j of x (pixels x count) as a tile at (left, top), each value mapped
// through `colour` after division by `scale`.
template <typename Colour>
void draw_tile(Raster& raster, const LocalMatrix<double>& x, std::int64_t j, std::int64_t left,
               std::int64_t top, const ComponentPicture& picture, double scale, Colour colour) {
  const int s = picture.scale;
  for (std::int64_t r = 0; r < picture.image_rows; ++r) {
    for (std::int64_t c = 0; c < picture.image_cols; ++c) {
      const double value = x(r * picture.image_cols + c, j);
      raster.fill(left + c * s, top + r * s, s, s, colour(scale > 0 ? value / scale : 0.0));
    }
  }
}

double largest_magnitude(const LocalMatrix<double>& x, std::int64_t j) {
  double largest = 0.0;
  for (std::int64_t p = 0; p < x.rows; ++p) largest = std::max(largest, std::abs(x(p, j)));
  return largest;
}

}  // namespace

Raster draw_components(const ComponentPicture& picture, PictureLayout* layout_out) {
  const std::int64_t k = picture.components.cols;
  PictureLayout layout;
  layout.tile_columns = picture.columns > 0 ? std::min(picture.columns, k)
                                            : static_cast<std::int64_t>(std::ceil(std::sqrt(k)));
  while (layout.tile_columns * layout.tile_columns < k && picture.columns <= 0) {
    ++layout.tile_columns;  // guards the square root's rounding
  }
  layout.tile_rows = (k + layout.tile_columns - 1) / layout.tile_columns;
  layout.tile_width = picture.image_cols * picture.scale;
  layout.tile_height = picture.image_rows * picture.scale;
  layout.signed_values =
      std::any_of(picture.components.values.begin(), picture.components.values.end(),
                  [](double value) { return value < 0.0; });
  const auto colour = [&](double t) { return layout.signed_values ? diverging(t) : ink(t); };

  const std::int64_t grid_width =
      layout.tile_columns * layout.tile_width + (layout.tile_columns - 1) * kGap;
  const std::int64_t grid_height =
      layout.tile_rows * layout.tile_height + (layout.tile_rows - 1) * kGap;
  const std::int64_t pairs = picture.originals.cols;
  const std::int64_t pairs_width = pairs * layout.tile_width + std::max<std::int64_t>(pairs - 1, 0) * kGap;
  const std::int64_t label_width = text_width("-MAX", kTextSize);
  const std::int64_t width =
      kMargin + std::max(grid_width + kBarGap + kBarWidth + 6 + label_width, pairs_width) + kMargin;
  const std::int64_t height =
      kMargin + grid_height +
      (pairs > 0 ? kSectionGap + 2 * layout.tile_height + kGap : 0) + kMargin;
  Raster raster(width, height, kBackground);

  for (std::int64_t l = 0; l < k; ++l) {
    const std::int64_t left = kMargin + (l % layout.tile_columns) * (layout.tile_width + kGap);
    const std::int64_t top = kMargin + (l / layout.tile_columns) * (layout.tile_height + kGap);
    draw_tile(raster, picture.components, l, left, top, picture,
              largest_magnitude(picture.components, l), colour);
  }

  // The shared colour bar: the top is each tile's own maximum.
  const std::int64_t bar_left = kMargin + grid_width + kBarGap;
  for (std::int64_t y = 0; y < grid_height; ++y) {
    const double t = 1.0 - static_cast<double>(y) / std::max<std::int64_t>(grid_height - 1, 1);
    raster.fill(bar_left, kMargin + y, kBarWidth, 1,
                colour(layout.signed_values ? 2.0 * t - 1.0 : t));
  }
  const std::int64_t label_left = bar_left + kBarWidth + 6;
  const std::int64_t bottom = kMargin + grid_height - text_height(kTextSize);
  draw_text(raster, label_left, kMargin, "MAX", kTextSize, kText);
  if (layout.signed_values) {
    draw_text(raster, label_left, kMargin + (grid_height - text_height(kTextSize)) / 2, "0",
              kTextSize, kText);
    draw_text(raster, label_left, bottom, "-MAX", kTextSize, kText);
  } else {
    draw_text(raster, label_left, bottom, "0", kTextSize, kText);
  }

  // Originals above their reconstructions, each pair on the original's scale.
  const std::int64_t pairs_top = kMargin + grid_height + kSectionGap;
  for (std::int64_t j = 0; j < pairs; ++j) {
    const std::int64_t left = kMargin + j * (layout.tile_width + kGap);
    const double scale = largest_magnitude(picture.originals, j);
    draw_tile(raster, picture.originals, j, left, pairs_top, picture, scale, ink);
    draw_tile(raster, picture.reconstructions, j, left, pairs_top + layout.tile_height + kGap,
              picture, scale, ink);
  }
  if (layout_out != nullptr) *layout_out = layout;
  return raster;
}

}  // namespace gridnmf::picture
