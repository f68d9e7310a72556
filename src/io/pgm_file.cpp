#include "gridnmf/io/pgm_file.hpp"

#include <cctype>
#include <fstream>
#include <iterator>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

// The next whitespace-separated header number; '#' starts a comment to the
// end of the line. -1 when there is none.
long long next_number(const std::string& bytes, std::size_t& at) {
  while (at < bytes.size()) {
    if (bytes[at] == '#') {
      while (at < bytes.size() && bytes[at] != '\n') ++at;
    } else if (std::isspace(static_cast<unsigned char>(bytes[at]))) {
      ++at;
    } else {
      break;
    }
  }
  if (at >= bytes.size() || !std::isdigit(static_cast<unsigned char>(bytes[at]))) return -1;
  long long value = 0;
  while (at < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[at]))) {
    value = value * 10 + (bytes[at] - '0');
    if (value > (1LL << 40)) return -1;
    ++at;
  }
  return value;
}

}  // namespace

GreyImage read_pgm_grey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "'");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '2')) {
    throw Error("'" + path + "' is not a PGM file (its magic is not P5 or P2)");
  }
  const bool binary = bytes[1] == '5';
  std::size_t at = 2;
  const long long cols = next_number(bytes, at);
  const long long rows = next_number(bytes, at);
  const long long maxval = next_number(bytes, at);
  if (cols <= 0 || rows <= 0 || maxval <= 0 || maxval > 65535) {
    throw Error("'" + path + "' has a bad PGM header (width, height and maxval 1..65535 expected)");
  }
  GreyImage image;
  image.rows = rows;
  image.cols = cols;
  image.bit_depth = maxval > 255 ? 16 : 8;
  const std::size_t count = static_cast<std::size_t>(rows * cols);
  image.values.resize(count);
  if (binary) {
    ++at;  // the single whitespace after maxval
    const std::size_t sample = maxval > 255 ? 2 : 1;
    if (at > bytes.size() || bytes.size() - at < count * sample) {
      throw Error("'" + path + "' is truncated: " + std::to_string(rows) + " x " +
                  std::to_string(cols) + " pixels need " + std::to_string(count * sample) +
                  " bytes of data");
    }
    for (std::size_t i = 0; i < count; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + i * sample);
      image.values[i] = static_cast<std::uint16_t>(sample == 2 ? (p[0] << 8) | p[1] : p[0]);
    }
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      const long long value = next_number(bytes, at);
      if (value < 0) {
        throw Error("'" + path + "' is truncated or malformed: pixel " + std::to_string(i) +
                    " of " + std::to_string(count) + " is missing");
      }
      image.values[i] = static_cast<std::uint16_t>(value);
    }
  }
  for (const std::uint16_t value : image.values) {
    if (value > maxval) {
      throw Error("'" + path + "' holds a pixel above its maxval " + std::to_string(maxval));
    }
  }
  return image;
}

}  // namespace gridnmf::io
