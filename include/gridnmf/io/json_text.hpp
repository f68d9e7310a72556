#pragma once

#include <string>

namespace gridnmf::io {

// A JSON string literal of `text`, with quotes and control characters escaped.
std::string json_string(const std::string& text);
// A JSON number with 17 significant digits; NaN and infinity have none, so
// they are written as null.
std::string json_number(double value);

}  // namespace gridnmf::io
