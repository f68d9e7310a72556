#include "gridnmf/io/matrix_market_reader.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/io/text_fields.hpp"
#include "gridnmf/io/text_input.hpp"
#include "sparse_entry_parsing.hpp"

namespace gridnmf::io {

namespace {

constexpr const char* kBannerForm =
    "'%%MatrixMarket matrix coordinate real|integer|pattern general|symmetric'";

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct Banner {
  std::string field;     // real, integer or pattern
  std::string symmetry;  // general or symmetric
};

Banner parse_banner(const TextInput& input, std::string_view line) {
  std::vector<std::string_view> words;
  split_fields(line, words);
  if (words.empty() || lowercase(words[0]) != "%%matrixmarket") {
    fail_at_line(input, "not a Matrix Market file: the first line must be " +
                            std::string(kBannerForm) + ", got " + quoted_excerpt(line));
  }
  if (words.size() != 5) {
    fail_at_line(input,
                 "bad Matrix Market banner " + quoted_excerpt(line) + ", expected " + kBannerForm);
  }
  const std::string object = lowercase(words[1]);
  const std::string layout = lowercase(words[2]);
  Banner banner{lowercase(words[3]), lowercase(words[4])};
  if (object != "matrix") {
    fail_at_line(input, "Matrix Market object '" + object + "' is not supported, only 'matrix'");
  }
  if (layout == "array") {
    fail_at_line(input, "dense (array) Matrix Market files are not supported, only coordinate");
  }
  if (layout != "coordinate") {
    fail_at_line(input,
                 "bad Matrix Market format " + quoted_excerpt(words[2]) + ", expected coordinate");
  }
  if (banner.field == "complex") {
    fail_at_line(input, "complex Matrix Market values are not supported");
  }
  if (banner.field != "real" && banner.field != "integer" && banner.field != "pattern") {
    fail_at_line(input, "bad Matrix Market field " + quoted_excerpt(words[3]) +
                            ", expected real, integer or pattern");
  }
  if (banner.symmetry == "skew-symmetric" || banner.symmetry == "hermitian") {
    fail_at_line(input, "'" + banner.symmetry +
                            "' Matrix Market files are not supported, only general and "
                            "symmetric");
  }
  if (banner.symmetry != "general" && banner.symmetry != "symmetric") {
    fail_at_line(input, "bad Matrix Market symmetry " + quoted_excerpt(words[4]) +
                            ", expected general or symmetric");
  }
  return banner;
}

bool is_comment_or_blank(std::string_view line) { return is_blank(line) || line.front() == '%'; }

}  // namespace

SparseTextMatrix read_matrix_market(const std::string& path) {
  TextInput input(path);
  std::string_view line;
  if (!input.next_line(line)) throw Error("'" + path + "' is empty, not a Matrix Market file");
  const Banner banner = parse_banner(input, line);

  bool has_size_line = false;
  while (!has_size_line && input.next_line(line)) has_size_line = !is_comment_or_blank(line);
  if (!has_size_line) throw Error("'" + path + "' ends before its Matrix Market size line");
  std::vector<std::string_view> fields;
  split_fields(line, fields);
  if (fields.size() != 3) {
    fail_at_line(input,
                 "bad size line " + quoted_excerpt(line) + ", expected 'rows columns entries'");
  }
  SparseTextMatrix result;
  SparseTriplets& triplets = result.triplets;
  triplets.rows = parse_header_number(input, fields[0], "row count");
  triplets.cols = parse_header_number(input, fields[1], "column count");
  const std::int64_t declared = parse_header_number(input, fields[2], "entry count");
  reject_empty_matrix(path, triplets.rows, triplets.cols, declared);
  const bool symmetric = banner.symmetry == "symmetric";
  if (symmetric && triplets.rows != triplets.cols) {
    fail_at_line(input, "a symmetric matrix must be square, got " + std::to_string(triplets.rows) +
                            " x " + std::to_string(triplets.cols));
  }
  triplets.value_type =
      banner.field == "integer" ? SparseValueType::kInteger : SparseValueType::kReal;
  reserve_triplets(path, declared, symmetric ? 2 : 1, triplets);

  const bool pattern = banner.field == "pattern";
  const std::size_t expected_fields = pattern ? 2 : 3;
  std::int64_t read = 0;
  while (input.next_line(line)) {
    if (is_comment_or_blank(line)) continue;
    if (read == declared) {
      fail_at_line(input,
                   "more entries than the " + std::to_string(declared) + " its size line declares");
    }
    split_fields(line, fields);
    if (fields.size() != expected_fields) {
      fail_at_line(input, std::string("expected ") +
                              (pattern ? "'row column'" : "'row column value'") + ", got " +
                              quoted_excerpt(line));
    }
    const std::int64_t row = parse_index(input, fields[0], triplets.rows, "row index");
    const std::int64_t col = parse_index(input, fields[1], triplets.cols, "column index");
    if (pattern) {
      triplets.row.push_back(row);
      triplets.col.push_back(col);
      triplets.real_values.push_back(1.0);
    } else if (triplets.value_type == SparseValueType::kInteger) {
      append_integer_entry(input, fields[2], row, col, triplets);
    } else {
      append_real_entry(input, fields[2], row, col, triplets);
    }
    if (symmetric && row != col) {
      triplets.row.push_back(col);
      triplets.col.push_back(row);
      if (triplets.value_type == SparseValueType::kInteger) {
        triplets.integer_values.push_back(triplets.integer_values.back());
      } else {
        triplets.real_values.push_back(triplets.real_values.back());
      }
    }
    ++read;
  }
  check_entry_count(input, read, declared);
  result.format = "matrix_market";
  result.description = path + " (Matrix Market coordinate " + banner.field + " " + banner.symmetry +
                       (input.gzipped() ? ", gzip)" : ")");
  result.entries_in_file = read;
  return result;
}

}  // namespace gridnmf::io
