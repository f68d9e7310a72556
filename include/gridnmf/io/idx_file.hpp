#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::io {

// An IDX file (the MNIST / Fashion-MNIST format): magic 0 0 TYPE NDIMS,
// NDIMS big-endian 32-bit sizes, then the values in row-major order. Only
// unsigned bytes (TYPE 0x08) are read: what image sets ship. Plain or gzip.
struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> values;
};

// True when the file (decompressed) starts with an IDX magic number: two zero
// bytes, a known type code and 1 to 4 dimensions. Local; false for a
// missing or short file.
bool looks_like_idx(const std::string& path);

// The header of an unsigned-byte IDX file. The values of a plain
// (uncompressed) file can be read by range, so ranks can share the reading; a
// gzip stream must be read from its start by one reader.
struct IdxHeader {
  std::vector<std::int64_t> dims;
  std::int64_t values = 0;       // the product of dims
  std::int64_t data_offset = 0;  // bytes before the values: 4 + 4 * dims
  bool compressed = false;
};

// Reads and checks the header with the messages of read_idx_bytes; for a
// plain file also the file size against the declared values (truncated,
// bytes after), so a plain file that passes can be read by range. Local.
IdxHeader read_idx_header(const std::string& path);

// `count` values from value `first` on of a plain IDX file whose header is
// `header`. Throws Error naming the file if they cannot be read. Local.
std::vector<std::uint8_t> read_idx_values(const std::string& path, const IdxHeader& header,
                                          std::int64_t first, std::int64_t count);

// Reads a whole unsigned-byte IDX file. Throws Error with one line naming the
// file for another type, a truncated file, sizes that overflow, or bytes
// after the declared values. Local (no MPI).
IdxArray read_idx_bytes(const std::string& path);

// The labels file shipped beside an images file: "...images-idx3-ubyte[.gz]"
// -> "...labels-idx1-ubyte[.gz]" when it exists, else "". Local.
std::string idx_labels_beside(const std::string& images_path);

}  // namespace gridnmf::io
