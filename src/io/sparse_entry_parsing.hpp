#pragma once

// Checks shared by the Matrix Market and UCI docword readers: every failure is
// one line "'FILE' line N: ..." naming the offending text, escaped and cut.

#include <cstdint>
#include <string>
#include <string_view>

#include "gridnmf/io/sparse_triplets.hpp"
#include "gridnmf/io/text_input.hpp"

namespace gridnmf::io {

// Throws Error("'FILE' line N: <problem>").
[[noreturn]] void fail_at_line(const TextInput& input, const std::string& problem);

// A 1-based index field in 1..extent, returned 0-based. `what` names it in
// messages ("row index", "word id").
std::int64_t parse_index(const TextInput& input, std::string_view field, std::int64_t extent,
                         const char* what);

// A header number (size, count): a non-negative integer.
std::int64_t parse_header_number(const TextInput& input, std::string_view field, const char* what);

// The value of the entry at 0-based (row, col), checked non-negative and
// finite, appended to the matching vector of `triplets` with its indices.
void append_integer_entry(const TextInput& input, std::string_view field, std::int64_t row,
                          std::int64_t col, SparseTriplets& triplets);
void append_real_entry(const TextInput& input, std::string_view field, std::int64_t row,
                       std::int64_t col, SparseTriplets& triplets);

// Rejects a matrix with no rows, no columns or no entries, in one line.
void reject_empty_matrix(const std::string& path, std::int64_t rows, std::int64_t cols,
                         std::int64_t entries);

// Reserves room for `entries` triplets times `copies` (2 for a symmetric
// file), failing with one line when this process cannot hold them (a corrupt
// header's count, or too little memory).
void reserve_triplets(const std::string& path, std::int64_t entries, std::int64_t copies,
                      SparseTriplets& triplets);

// Rejects a file that ended before its header's number of entries.
void check_entry_count(const TextInput& input, std::int64_t read, std::int64_t declared);

}  // namespace gridnmf::io
