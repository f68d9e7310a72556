#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// zlib's file state, kept out of this header so users need not include zlib.h.
struct gzFile_s;

namespace gridnmf::io {

// True when the file starts with the gzip magic bytes 1f 8b.
bool is_gzip_file(const std::string& path);

// Reads a text file line by line, plain or gzip-compressed (zlib decides from
// the content), with bounded memory: one chunk buffer plus the longest line.
// Local (no MPI). Throws Error naming the file on a read failure, a truncated
// or corrupt gzip stream, or a line longer than kMaxLineBytes (a binary file).
class TextInput {
 public:
  static constexpr std::size_t kMaxLineBytes = 1 << 20;

  explicit TextInput(const std::string& path);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  // The next line without its '\n' (and '\r'); valid until the next call.
  // False at the end of the file. A last line without '\n' still counts.
  bool next_line(std::string_view& line);
  // 1-based number of the line last returned.
  std::int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  bool gzipped() const { return gzipped_; }

 private:
  // Appends the next decompressed chunk to buffer_; false at the end of the file.
  bool fill();

  std::string path_;
  gzFile_s* file_ = nullptr;
  bool gzipped_ = false;
  bool at_end_ = false;
  std::string buffer_;
  std::size_t start_ = 0;  // first byte of buffer_ not yet returned
  std::int64_t line_number_ = 0;
};

}  // namespace gridnmf::io
