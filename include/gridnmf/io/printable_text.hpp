#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gridnmf::io {

// `text` made safe for a one-line message: control characters, DEL and bytes
// that do not form valid UTF-8 become \xHH (so binary junk from a config file
// or an ENVI header never reaches the terminal raw), and text longer than
// max_chars characters is cut there with "..." appended. Pure.
std::string printable_excerpt(std::string_view text, std::size_t max_chars = 40);

}  // namespace gridnmf::io
