#include "gridnmf/io/text_input.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {
constexpr unsigned kChunkBytes = 1 << 20;
}

bool is_gzip_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  unsigned char magic[2] = {};
  return stream.read(reinterpret_cast<char*>(magic), 2) && magic[0] == 0x1f && magic[1] == 0x8b;
}

TextInput::TextInput(const std::string& path) : path_(path), gzipped_(is_gzip_file(path)) {
  file_ = gzopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    throw Error("cannot read '" + path + "' (" + std::strerror(errno) + ")");
  }
  gzbuffer(file_, 1 << 17);
}

TextInput::~TextInput() {
  if (file_ != nullptr) gzclose(file_);
}

bool TextInput::fill() {
  if (at_end_) return false;
  // Drop what was already returned, so the buffer holds at most one line plus a chunk.
  buffer_.erase(0, start_);
  start_ = 0;
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunkBytes);
  const int got = gzread(file_, buffer_.data() + old_size, kChunkBytes);
  int code = Z_OK;
  const char* message = gzerror(file_, &code);
  // A stream cut short is not an error to gzread (Z_BUF_ERROR): only gzerror tells.
  if (got < 0 || (got == 0 && code != Z_OK)) {
    std::string what = code == Z_ERRNO ? std::strerror(errno) : message;
    if (what.rfind(path_ + ": ", 0) == 0) what.erase(0, path_.size() + 2);  // zlib names the file
    throw Error("'" + path_ + "' is " +
                (gzipped_ ? "a truncated or corrupt gzip file (" : "unreadable (") + what +
                ") after line " + std::to_string(line_number_));
  }
  buffer_.resize(old_size + static_cast<std::size_t>(got));
  if (got == 0) at_end_ = true;
  return got > 0;
}

bool TextInput::next_line(std::string_view& line) {
  std::size_t searched = start_;
  for (;;) {
    const std::size_t end = buffer_.find('\n', searched);
    if (end != std::string::npos) {
      line = std::string_view(buffer_).substr(start_, end - start_);
      start_ = end + 1;
      break;
    }
    if (buffer_.size() - start_ > kMaxLineBytes) {
      throw Error("'" + path_ + "' line " + std::to_string(line_number_ + 1) +
                  " is longer than 1 MiB: not a text matrix or name file");
    }
    searched = buffer_.size() - start_;  // offsets shift when fill() drops returned bytes
    if (!fill()) {
      if (start_ == buffer_.size()) return false;
      line = std::string_view(buffer_).substr(start_);
      start_ = buffer_.size();
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++line_number_;
  return true;
}

}  // namespace gridnmf::io
