#include "gridnmf/io/bag_of_words_reader.hpp"

#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/io/text_fields.hpp"
#include "gridnmf/io/text_input.hpp"
#include "sparse_entry_parsing.hpp"

namespace gridnmf::io {

namespace {

// The next non-blank line, which must hold one number: D, W or NNZ.
std::int64_t read_header_number(TextInput& input, const char* what) {
  std::string_view line;
  bool found = false;
  while (!found && input.next_line(line)) found = !is_blank(line);
  if (!found) {
    throw Error("'" + input.path() + "' ends before its UCI docword header (D, W, NNZ lines)");
  }
  std::vector<std::string_view> fields;
  split_fields(line, fields);
  if (fields.size() != 1) {
    fail_at_line(input, "bad UCI docword header line " + quoted_excerpt(line) + ", expected the " +
                            what + " alone");
  }
  return parse_header_number(input, fields[0], what);
}

}  // namespace

SparseTextMatrix read_bag_of_words(const std::string& path) {
  TextInput input(path);
  SparseTextMatrix result;
  SparseTriplets& triplets = result.triplets;
  triplets.cols = read_header_number(input, "number of documents D");
  triplets.rows = read_header_number(input, "number of words W");
  const std::int64_t declared = read_header_number(input, "number of entries NNZ");
  reject_empty_matrix(path, triplets.rows, triplets.cols, declared);
  triplets.value_type = SparseValueType::kInteger;
  reserve_triplets(path, declared, 1, triplets);

  std::string_view line;
  std::vector<std::string_view> fields;
  std::int64_t read = 0;
  while (input.next_line(line)) {
    if (is_blank(line)) continue;
    if (read == declared) {
      fail_at_line(input,
                   "more entries than the " + std::to_string(declared) + " its header declares");
    }
    split_fields(line, fields);
    if (fields.size() != 3) {
      fail_at_line(input, "expected 'docID wordID count', got " + quoted_excerpt(line));
    }
    const std::int64_t document = parse_index(input, fields[0], triplets.cols, "docID");
    const std::int64_t word = parse_index(input, fields[1], triplets.rows, "wordID");
    append_integer_entry(input, fields[2], word, document, triplets);
    ++read;
  }
  check_entry_count(input, read, declared);
  result.format = "uci_bag_of_words";
  result.description = path + " (UCI bag-of-words docword" + (input.gzipped() ? ", gzip)" : ")");
  result.entries_in_file = read;
  return result;
}

}  // namespace gridnmf::io
