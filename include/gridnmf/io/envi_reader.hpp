#pragma once

#include <cstdint>
#include <string>

#include "gridnmf/io/envi_header.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// Reads blocks of V (bands x pixels) from an ENVI raw file. Pixel j is image
// line j % lines, sample j / lines (column-major, as in ../shared/data).
// Local (no MPI): each rank reads only the byte ranges of its own block with
// pread; gaps shorter than one page between needed ranges are read through,
// because the operating system reads whole pages anyway.
class EnviReader {
 public:
  // Opens `raw_path` read-only; throws Error if it cannot be opened or is
  // shorter than the header needs.
  EnviReader(std::string raw_path, EnviHeader header);
  ~EnviReader();
  EnviReader(EnviReader&& other) noexcept;
  EnviReader& operator=(EnviReader&&) = delete;
  EnviReader(const EnviReader&) = delete;
  EnviReader& operator=(const EnviReader&) = delete;

  const EnviHeader& header() const { return header_; }
  const std::string& raw_path() const { return raw_path_; }

  // Reads bands x pixels into a row-major block, converting to T. Values
  // equal to the header's data ignore value (NaN matches NaN) read as 0 and
  // are counted in ignored_values().
  template <typename T>
  LocalMatrix<T> read_block(const IndexRange& bands, const IndexRange& pixels);

  // Data ignore values replaced by 0 in the blocks read so far.
  std::int64_t ignored_values() const { return ignored_values_; }
  // Bytes read from the raw file so far (needed ranges plus small gaps).
  std::int64_t bytes_read() const { return bytes_read_; }

 private:
  std::string raw_path_;
  EnviHeader header_;
  int descriptor_ = -1;
  std::int64_t ignored_values_ = 0;
  std::int64_t bytes_read_ = 0;
};

}  // namespace gridnmf::io
