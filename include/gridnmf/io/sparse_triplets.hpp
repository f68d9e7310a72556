#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::io {

// How the values of a sparse text matrix are kept and written: counts and
// Matrix Market `integer` exactly as int64, `real` and `pattern` as float64.
enum class SparseValueType { kInteger, kReal };

// "int64" or "float64", the stored HDF5 type.
std::string to_string(SparseValueType type);

// The entries of a sparse matrix in file order, 0-based, duplicates and zeros
// as read: 24 bytes per entry. Exactly one of the value vectors is filled.
struct SparseTriplets {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  SparseValueType value_type = SparseValueType::kReal;
  std::vector<std::int64_t> row;
  std::vector<std::int64_t> col;
  std::vector<std::int64_t> integer_values;  // when value_type is kInteger
  std::vector<double> real_values;           // when value_type is kReal

  std::int64_t size() const { return static_cast<std::int64_t>(row.size()); }
};

// A sparse matrix read from a text file, with what the messages and the
// output's `source` and `source_format` attributes say about it.
struct SparseTextMatrix {
  SparseTriplets triplets;
  std::string format;                // "matrix_market" or "uci_bag_of_words"
  std::string description;           // "FILE (Matrix Market coordinate integer general, gzip)"
  std::int64_t entries_in_file = 0;  // entry lines read (the header's count)
};

}  // namespace gridnmf::io
