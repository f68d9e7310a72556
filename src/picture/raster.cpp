#include "gridnmf/picture/raster.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace gridnmf::picture {

void Raster::set(std::int64_t x, std::int64_t y, Rgb colour) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::uint8_t* at = &pixels[static_cast<std::size_t>((y * width + x) * 3)];
  at[0] = colour[0];
  at[1] = colour[1];
  at[2] = colour[2];
}

void Raster::fill(std::int64_t x, std::int64_t y, std::int64_t w, std::int64_t h, Rgb colour) {
  for (std::int64_t r = y; r < y + h; ++r) {
    for (std::int64_t c = x; c < x + w; ++c) set(c, r, colour);
  }
}

namespace {

std::uint8_t byte_of(double value) {
  return static_cast<std::uint8_t>(std::lround(std::clamp(value, 0.0, 255.0)));
}

// 3 x 5 glyphs, five rows of three '#'/'.' per character, top row first.
const std::map<char, const char*>& glyphs() {
  static const std::map<char, const char*> table = {
      {'0', "###" "#.#" "#.#" "#.#" "###"}, {'1', ".#." "##." ".#." ".#." "###"},
      {'2', "###" "..#" "###" "#.." "###"}, {'3', "###" "..#" "###" "..#" "###"},
      {'4', "#.#" "#.#" "###" "..#" "..#"}, {'5', "###" "#.." "###" "..#" "###"},
      {'6', "###" "#.." "###" "#.#" "###"}, {'7', "###" "..#" "..#" "..#" "..#"},
      {'8', "###" "#.#" "###" "#.#" "###"}, {'9', "###" "#.#" "###" "..#" "###"},
      {'.', "..." "..." "..." "..." ".#."}, {'-', "..." "..." "###" "..." "..."},
      {' ', "..." "..." "..." "..." "..."}, {'+', "..." ".#." "###" ".#." "..."},
      {'=', "..." "###" "..." "###" "..."}, {'(', "..#" ".#." ".#." ".#." "..#"},
      {')', "#.." ".#." ".#." ".#." "#.."}, {':', "..." ".#." "..." ".#." "..."},
      {',', "..." "..." "..." ".#." "#.."}, {'/', "..#" "..#" ".#." "#.." "#.."},
      {'A', ".#." "#.#" "###" "#.#" "#.#"}, {'B', "##." "#.#" "##." "#.#" "##."},
      {'C', ".##" "#.." "#.." "#.." ".##"}, {'D', "##." "#.#" "#.#" "#.#" "##."},
      {'E', "###" "#.." "###" "#.." "###"}, {'F', "###" "#.." "###" "#.." "#.."},
      {'G', ".##" "#.." "#.#" "#.#" ".##"}, {'H', "#.#" "#.#" "###" "#.#" "#.#"},
      {'I', "###" ".#." ".#." ".#." "###"}, {'J', "..#" "..#" "..#" "#.#" ".#."},
      {'K', "#.#" "#.#" "##." "#.#" "#.#"}, {'L', "#.." "#.." "#.." "#.." "###"},
      {'M', "#.#" "###" "#.#" "#.#" "#.#"}, {'N', "##." "#.#" "#.#" "#.#" "#.#"},
      {'O', ".#." "#.#" "#.#" "#.#" ".#."}, {'P', "##." "#.#" "##." "#.." "#.."},
      {'Q', ".#." "#.#" "#.#" "###" ".##"}, {'R', "##." "#.#" "##." "#.#" "#.#"},
      {'S', ".##" "#.." ".#." "..#" "##."}, {'T', "###" ".#." ".#." ".#." ".#."},
      {'U', "#.#" "#.#" "#.#" "#.#" "###"}, {'V', "#.#" "#.#" "#.#" "#.#" ".#."},
      {'W', "#.#" "#.#" "###" "###" "#.#"}, {'X', "#.#" "#.#" ".#." "#.#" "#.#"},
      {'Y', "#.#" "#.#" ".#." ".#." ".#."}, {'Z', "###" "..#" ".#." "#.." "###"},
  };
  return table;
}

}  // namespace

Rgb ink(double t) {
  const std::uint8_t grey = byte_of(255.0 * (1.0 - std::clamp(t, 0.0, 1.0)));
  return {grey, grey, grey};
}

Rgb diverging(double t) {
  t = std::clamp(t, -1.0, 1.0);
  // White at 0, towards (33, 102, 172) blue below and (178, 24, 43) red above.
  const double a = std::abs(t);
  const Rgb end = t < 0 ? Rgb{33, 102, 172} : Rgb{178, 24, 43};
  return {byte_of(255.0 + a * (end[0] - 255.0)), byte_of(255.0 + a * (end[1] - 255.0)),
          byte_of(255.0 + a * (end[2] - 255.0))};
}

std::int64_t text_width(const std::string& text, int size) {
  return text.empty() ? 0 : static_cast<std::int64_t>(text.size()) * 4 * size - size;
}

std::int64_t draw_text(Raster& raster, std::int64_t x, std::int64_t y, const std::string& text,
                       int size, Rgb colour) {
  std::int64_t left = x;
  for (const char c : text) {
    // Lower case is drawn in capitals: 3 x 5 pixels hold no second alphabet.
    const char capital = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto glyph = glyphs().find(capital);
    if (glyph != glyphs().end()) {
      for (int r = 0; r < 5; ++r) {
        for (int col = 0; col < 3; ++col) {
          if (glyph->second[r * 3 + col] == '#') {
            raster.fill(left + col * size, y + r * size, size, size, colour);
          }
        }
      }
    }
    left += 4 * size;
  }
  return text_width(text, size);
}

}  // namespace gridnmf::picture
