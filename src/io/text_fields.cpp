#include "gridnmf/io/text_fields.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gridnmf::io {

namespace {

constexpr std::size_t kExcerptChars = 40;

std::string_view without_plus(std::string_view field) {
  // from_chars refuses a leading '+', which C's strtod and Matrix Market writers allow.
  if (field.size() > 1 && field.front() == '+' && field[1] != '-' && field[1] != '+') {
    field.remove_prefix(1);
  }
  return field;
}

}  // namespace

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t position = 0;
  while (position < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t", position);
    if (start == std::string_view::npos) break;
    std::size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    fields.push_back(line.substr(start, end - start));
    position = end;
  }
}

std::optional<std::int64_t> parse_integer(std::string_view field) {
  field = without_plus(field);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size() || field.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_real(std::string_view field) {
  field = without_plus(field);
  double value = 0.0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (end != field.data() + field.size() || field.empty()) return std::nullopt;
  if (error == std::errc::result_out_of_range) {
    // The syntax was right; strtod gives the overflowed or underflowed value.
    return std::strtod(std::string(field).c_str(), nullptr);
  }
  if (error != std::errc()) return std::nullopt;
  return value;
}

std::string quoted_excerpt(std::string_view text) {
  std::string out = "'";
  std::size_t shown = 0;
  for (const char c : text) {
    if (shown >= kExcerptChars) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else if (c == '\'' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
    ++shown;
  }
  return out + "'";
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace gridnmf::io
