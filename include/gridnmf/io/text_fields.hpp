#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridnmf::io {

// Splits a line at runs of spaces and tabs, dropping empty fields.
// Writes into `fields` (reused across lines to avoid allocations).
void split_fields(std::string_view line, std::vector<std::string_view>& fields);

// The whole field as a base-10 integer (an optional leading '+'), or nothing
// for anything else, including values outside the int64 range.
std::optional<std::int64_t> parse_integer(std::string_view field);

// The whole field as a decimal or scientific floating-point number (also
// "nan", "inf"; an optional leading '+'), or nothing for anything else.
// Overflow gives +-inf, underflow 0 or a subnormal, as strtod does.
std::optional<double> parse_real(std::string_view field);

// For error messages: the text in single quotes, control and non-ASCII bytes
// escaped as \xNN, cut to about 40 characters with "..." when longer.
std::string quoted_excerpt(std::string_view text);

// True for a line that holds only spaces and tabs.
bool is_blank(std::string_view line);

}  // namespace gridnmf::io
