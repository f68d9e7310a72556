#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::io {

// Writes an RGB picture (width x height, 3 bytes per pixel, row-major) as a
// PNG file, through a temporary file renamed into place (write_text_file).
// Throws Error naming `option` and the file. Local: one rank writes.
void write_png_rgb(const std::string& path, std::int64_t width, std::int64_t height,
                   const std::vector<std::uint8_t>& rgb, const std::string& option);

// A greyscale image read from a file: rows x cols values, row-major.
struct GreyImage {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  int bit_depth = 8;  // 8 or 16: the range of the values
  std::vector<std::uint16_t> values;
};

// Reads a PNG file as greyscale: grey images as stored (8 or 16 bit), colour
// ones converted by the Rec. 709 weights, alpha dropped. Throws Error naming
// the file and what is wrong, in one line. Local.
GreyImage read_png_grey(const std::string& path);

}  // namespace gridnmf::io
