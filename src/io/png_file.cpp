#include "gridnmf/io/png_file.hpp"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <memory>

#include "gridnmf/error.hpp"
#include "gridnmf/io/text_output.hpp"

namespace gridnmf::io {

namespace {

// libpng reports errors by longjmp; its messages are kept for ours.
struct PngMessages {
  std::string error;
};

void on_error(png_structp png, png_const_charp message) {
  auto* messages = static_cast<PngMessages*>(png_get_error_ptr(png));
  if (messages != nullptr) messages->error = message;
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* bytes = static_cast<std::string*>(png_get_io_ptr(png));
  bytes->append(reinterpret_cast<const char*>(data), length);
}

void no_flush(png_structp) {}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

void write_png_rgb(const std::string& path, std::int64_t width, std::int64_t height,
                   const std::vector<std::uint8_t>& rgb, const std::string& option) {
  PngMessages messages;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &messages, on_error, on_warning);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr) {
    png_destroy_write_struct(&png, &info);
    throw Error("cannot write the " + option + " file '" + path + "': out of memory");
  }
  std::string bytes;
  std::vector<png_bytep> rows(static_cast<std::size_t>(height));
  for (std::int64_t r = 0; r < height; ++r) {
    rows[r] = const_cast<png_bytep>(rgb.data() + r * width * 3);
  }
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    throw Error("cannot encode the " + option + " file '" + path + "': " + messages.error);
  }
  png_set_write_fn(png, &bytes, append_bytes, no_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  write_text_file(path, bytes, option);
}

GreyImage read_png_grey(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw Error("cannot open '" + path + "'");
  unsigned char signature[8] = {};
  if (std::fread(signature, 1, 8, file.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0) {
    throw Error("'" + path + "' is not a PNG file (wrong signature)");
  }
  PngMessages messages;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &messages, on_error, on_warning);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw Error("cannot read '" + path + "': out of memory");
  }
  GreyImage image;
  std::vector<png_bytep> rows;
  std::vector<png_byte> storage;
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw Error("'" + path + "' is not a readable PNG file: " + messages.error);
  }
  png_init_io(png, file.get());
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const int colour = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (colour & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (colour & PNG_COLOR_MASK_COLOR || colour == PNG_COLOR_TYPE_PALETTE) {
    png_set_rgb_to_gray_fixed(png, 1, -1, -1);
  }
  if (depth == 16) png_set_swap(png);  // to host order (little-endian here)
  png_read_update_info(png, info);
  image.rows = png_get_image_height(png, info);
  image.cols = png_get_image_width(png, info);
  image.bit_depth = depth == 16 ? 16 : 8;
  const std::size_t row_bytes = png_get_rowbytes(png, info);
  storage.resize(row_bytes * static_cast<std::size_t>(image.rows));
  rows.resize(static_cast<std::size_t>(image.rows));
  for (std::int64_t r = 0; r < image.rows; ++r) rows[r] = storage.data() + r * row_bytes;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  image.values.resize(static_cast<std::size_t>(image.rows * image.cols));
  for (std::int64_t r = 0; r < image.rows; ++r) {
    for (std::int64_t c = 0; c < image.cols; ++c) {
      if (image.bit_depth == 16) {
        const png_byte* at = rows[r] + 2 * c;
        image.values[r * image.cols + c] = static_cast<std::uint16_t>(at[0] | (at[1] << 8));
      } else {
        image.values[r * image.cols + c] = rows[r][c];
      }
    }
  }
  return image;
}

}  // namespace gridnmf::io
