#include "sparse_entry_parsing.hpp"

#include <cmath>
#include <new>
#include <stdexcept>

#include "gridnmf/error.hpp"
#include "gridnmf/io/text_fields.hpp"

namespace gridnmf::io {

namespace {

std::string position(std::int64_t row, std::int64_t col) {
  return "row " + std::to_string(row + 1) + ", column " + std::to_string(col + 1);
}

}  // namespace

void fail_at_line(const TextInput& input, const std::string& problem) {
  throw Error("'" + input.path() + "' line " + std::to_string(input.line_number()) + ": " +
              problem);
}

std::int64_t parse_index(const TextInput& input, std::string_view field, std::int64_t extent,
                         const char* what) {
  const std::optional<std::int64_t> index = parse_integer(field);
  if (!index)
    fail_at_line(input, std::string(what) + " " + quoted_excerpt(field) + " is not an integer");
  if (*index < 1 || *index > extent) {
    fail_at_line(input, std::string(what) + " " + std::to_string(*index) + " is outside 1.." +
                            std::to_string(extent));
  }
  return *index - 1;
}

std::int64_t parse_header_number(const TextInput& input, std::string_view field, const char* what) {
  const std::optional<std::int64_t> number = parse_integer(field);
  if (!number || *number < 0) {
    fail_at_line(
        input, std::string(what) + " " + quoted_excerpt(field) + " is not a non-negative integer");
  }
  return *number;
}

void append_integer_entry(const TextInput& input, std::string_view field, std::int64_t row,
                          std::int64_t col, SparseTriplets& triplets) {
  const std::optional<std::int64_t> value = parse_integer(field);
  if (!value) {
    fail_at_line(input, "value " + quoted_excerpt(field) + " at " + position(row, col) +
                            (parse_real(field) ? " is not an integer (the header says integer)"
                                               : " is not a number"));
  }
  if (*value < 0) {
    fail_at_line(input, "negative value " + std::to_string(*value) + " at " + position(row, col) +
                            " (NMF needs non-negative data)");
  }
  triplets.row.push_back(row);
  triplets.col.push_back(col);
  triplets.integer_values.push_back(*value);
}

void append_real_entry(const TextInput& input, std::string_view field, std::int64_t row,
                       std::int64_t col, SparseTriplets& triplets) {
  const std::optional<double> value = parse_real(field);
  if (!value) {
    fail_at_line(
        input, "value " + quoted_excerpt(field) + " at " + position(row, col) + " is not a number");
  }
  if (!std::isfinite(*value)) {
    fail_at_line(input, "value " + quoted_excerpt(field) + " at " + position(row, col) +
                            " is not finite (NaN or infinite)");
  }
  if (*value < 0) {
    fail_at_line(input, "negative value " + quoted_excerpt(field) + " at " + position(row, col) +
                            " (NMF needs non-negative data)");
  }
  triplets.row.push_back(row);
  triplets.col.push_back(col);
  triplets.real_values.push_back(*value);
}

void reject_empty_matrix(const std::string& path, std::int64_t rows, std::int64_t cols,
                         std::int64_t entries) {
  if (rows == 0 || cols == 0 || entries == 0) {
    throw Error("'" + path + "' declares an empty matrix (" + std::to_string(rows) + " x " +
                std::to_string(cols) + ", " + std::to_string(entries) +
                " entries): nothing to factorize");
  }
}

void reserve_triplets(const std::string& path, std::int64_t entries, std::int64_t copies,
                      SparseTriplets& triplets) {
  const std::string refusal = "'" + path + "' declares " + std::to_string(entries) +
                              " entries, more than rank 0 can hold (" +
                              std::to_string(24 * copies) + " bytes each)";
  std::int64_t slots = 0;
  if (__builtin_mul_overflow(entries, copies, &slots)) throw Error(refusal);
  try {
    const auto count = static_cast<std::size_t>(slots);
    triplets.row.reserve(count);
    triplets.col.reserve(count);
    if (triplets.value_type == SparseValueType::kInteger) {
      triplets.integer_values.reserve(count);
    } else {
      triplets.real_values.reserve(count);
    }
  } catch (const std::bad_alloc&) {
    throw Error(refusal);
  } catch (const std::length_error&) {
    throw Error(refusal);
  }
}

void check_entry_count(const TextInput& input, std::int64_t read, std::int64_t declared) {
  if (read != declared) {
    throw Error("'" + input.path() + "' has " + std::to_string(read) +
                " entries, its header says " + std::to_string(declared) + " (truncated file?)");
  }
}

}  // namespace gridnmf::io
