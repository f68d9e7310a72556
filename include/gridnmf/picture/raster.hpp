#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::picture {

using Rgb = std::array<std::uint8_t, 3>;

// An RGB picture in memory, row-major, filled with one grey to start with.
struct Raster {
  std::int64_t width = 0;
  std::int64_t height = 0;
  std::vector<std::uint8_t> pixels;  // 3 bytes per pixel

  Raster(std::int64_t w, std::int64_t h, std::uint8_t background = 255)
      : width(w), height(h), pixels(static_cast<std::size_t>(w * h * 3), background) {}
  // Pixels outside the picture are ignored.
  void set(std::int64_t x, std::int64_t y, Rgb colour);
  void fill(std::int64_t x, std::int64_t y, std::int64_t w, std::int64_t h, Rgb colour);
};

// Colour of t in [0, 1] (clamped): white to black, as ink on paper, for
// non-negative data scaled to its maximum.
Rgb ink(double t);
// Colour of t in [-1, 1] (clamped): blue through white to red, for signed data
// (principal components) scaled to the largest magnitude.
Rgb diverging(double t);

// Draws `text` (digits, letters in capitals, space and . - + = ( ) : , /)
// with its top-left corner at (x, y); each font pixel is `size` x `size`.
// Returns the width drawn.
std::int64_t draw_text(Raster& raster, std::int64_t x, std::int64_t y, const std::string& text,
                       int size, Rgb colour);
// The width `text` would take.
std::int64_t text_width(const std::string& text, int size);
// Height of a line of text.
inline std::int64_t text_height(int size) { return 5 * size; }

}  // namespace gridnmf::picture
