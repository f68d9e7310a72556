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

// Reads a whole unsigned-byte IDX file. Throws Error with one line naming the
// file for another type, a truncated file, sizes that overflow, or bytes
// after the declared values. Local (no MPI).
IdxArray read_idx_bytes(const std::string& path);

// The labels file shipped beside an images file: "...images-idx3-ubyte[.gz]"
// -> "...labels-idx1-ubyte[.gz]" when it exists, else "". Local.
std::string idx_labels_beside(const std::string& images_path);

}  // namespace gridnmf::io
