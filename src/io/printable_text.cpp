#include "gridnmf/io/printable_text.hpp"

#include <cstdio>

namespace gridnmf::io {

namespace {

// Length of the valid UTF-8 sequence of 2 to 4 bytes at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t j) { return static_cast<unsigned char>(text[j]); };
  const unsigned char lead = byte(i);
  const std::size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                             : lead >= 0xE0 && lead <= 0xEF ? 3
                             : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                            : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t j = i + 1; j < i + length; ++j) {
    if ((byte(j) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string printable_excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  std::size_t shown = 0, i = 0;
  while (i < text.size() && shown < max_chars) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += text[i++];
    } else if (const std::size_t length = byte >= 0x80 ? utf8_length(text, i) : 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", byte);
      out += escaped;
      ++i;
    }
    ++shown;
  }
  if (i < text.size()) out += "...";
  return out;
}

}  // namespace gridnmf::io
