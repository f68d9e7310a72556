#pragma once

// Test helper: writes small ENVI images (header + raw file) with known values,
// for every data type, interleave and byte order.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gridnmf/io/envi_header.hpp"

namespace gridnmf::testing {

struct EnviImage {
  std::int64_t lines = 5;
  std::int64_t samples = 7;
  std::int64_t bands = 6;
  io::EnviDataType type = io::EnviDataType::kFloat32;
  io::EnviInterleave interleave = io::EnviInterleave::kBsq;
  bool big_endian = false;
  std::int64_t header_offset = 0;
  std::string extra_header;  // more "key = value" lines

  std::int64_t required_bytes() const {
    return header_offset + lines * samples * bands * io::bytes_per_value(type);
  }

  // Value of (band, line, sample): distinct, exactly representable in the
  // type, negative for signed types, fractional for floating ones.
  double value(std::int64_t b, std::int64_t line, std::int64_t sample) const {
    const double base = static_cast<double>((b * 31 + line * 7 + sample * 3) % 97);
    switch (type) {
      case io::EnviDataType::kInt16:
      case io::EnviDataType::kInt32: return base - 40.0;
      case io::EnviDataType::kFloat32:
      case io::EnviDataType::kFloat64: return base + 0.25;
      case io::EnviDataType::kUint16: return base + 60000.0;
      default: return base;
    }
  }
};

template <typename Raw>
void append_value(std::vector<unsigned char>& bytes, double value, bool big_endian) {
  const Raw raw = static_cast<Raw>(value);
  unsigned char copy[sizeof(Raw)];
  std::memcpy(copy, &raw, sizeof(Raw));
  // The tests run on little-endian hosts; big-endian files are byte-swapped.
  if (big_endian) {
    for (std::size_t i = 0; i < sizeof(Raw) / 2; ++i) std::swap(copy[i], copy[sizeof(Raw) - 1 - i]);
  }
  bytes.insert(bytes.end(), copy, copy + sizeof(Raw));
}

inline void append_typed(std::vector<unsigned char>& bytes, const EnviImage& image, double value) {
  switch (image.type) {
    case io::EnviDataType::kUint8: return append_value<std::uint8_t>(bytes, value, image.big_endian);
    case io::EnviDataType::kInt16: return append_value<std::int16_t>(bytes, value, image.big_endian);
    case io::EnviDataType::kInt32: return append_value<std::int32_t>(bytes, value, image.big_endian);
    case io::EnviDataType::kFloat32: return append_value<float>(bytes, value, image.big_endian);
    case io::EnviDataType::kFloat64: return append_value<double>(bytes, value, image.big_endian);
    case io::EnviDataType::kUint16: return append_value<std::uint16_t>(bytes, value, image.big_endian);
  }
}

// Writes BASE.hdr and BASE.img; returns the header path.
inline std::string write_envi_image(const std::string& base, const EnviImage& image) {
  std::vector<unsigned char> bytes(static_cast<std::size_t>(image.header_offset), 0xAB);
  const std::int64_t l_count = image.lines, s_count = image.samples, b_count = image.bands;
  switch (image.interleave) {
    case io::EnviInterleave::kBsq:
      for (std::int64_t b = 0; b < b_count; ++b)
        for (std::int64_t l = 0; l < l_count; ++l)
          for (std::int64_t s = 0; s < s_count; ++s) append_typed(bytes, image, image.value(b, l, s));
      break;
    case io::EnviInterleave::kBil:
      for (std::int64_t l = 0; l < l_count; ++l)
        for (std::int64_t b = 0; b < b_count; ++b)
          for (std::int64_t s = 0; s < s_count; ++s) append_typed(bytes, image, image.value(b, l, s));
      break;
    case io::EnviInterleave::kBip:
      for (std::int64_t l = 0; l < l_count; ++l)
        for (std::int64_t s = 0; s < s_count; ++s)
          for (std::int64_t b = 0; b < b_count; ++b) append_typed(bytes, image, image.value(b, l, s));
      break;
  }
  std::ofstream(base + ".img", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::ofstream header(base + ".hdr");
  header << "ENVI\ndescription = {test image}\nsamples = " << image.samples
         << "\nlines   = " << image.lines << "\nbands   = " << image.bands
         << "\nheader offset = " << image.header_offset << "\nfile type = ENVI Standard"
         << "\ndata type = " << static_cast<int>(image.type)
         << "\ninterleave = " << io::to_string(image.interleave)
         << "\nbyte order = " << (image.big_endian ? 1 : 0) << "\n"
         << image.extra_header;
  return base + ".hdr";
}

}  // namespace gridnmf::testing
