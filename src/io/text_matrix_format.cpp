#include "gridnmf/io/text_matrix_format.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/io/text_fields.hpp"
#include "gridnmf/io/text_input.hpp"

namespace gridnmf::io {

namespace {

constexpr std::size_t kSniffLines = 3;

bool starts_with_banner(std::string_view line) {
  constexpr std::string_view banner = "%%matrixmarket";
  if (line.size() < banner.size()) return false;
  return std::equal(banner.begin(), banner.end(), line.begin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// The first lines of the file, decompressed; stops early at binary content
// (a NUL byte), which no text matrix has.
struct Head {
  std::vector<std::string> lines;
  bool binary = false;
};

Head read_head(const std::string& path) {
  Head head;
  TextInput input(path);
  std::string_view line;
  while (head.lines.size() < kSniffLines && input.next_line(line)) {
    if (line.find('\0') != std::string_view::npos) {
      head.binary = true;
      head.lines.emplace_back(line.substr(0, 64));
      break;
    }
    if (!is_blank(line)) head.lines.emplace_back(line);
  }
  return head;
}

Head read_plain_head(const std::string& path) {
  // A raw binary file may have no newline for megabytes: look at 4 KiB only.
  std::ifstream stream(path, std::ios::binary);
  std::string bytes(4096, '\0');
  stream.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(stream.gcount()));
  Head head;
  head.binary = bytes.find('\0') != std::string::npos;
  std::size_t start = 0;
  while (head.lines.size() < kSniffLines && start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string line = bytes.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!is_blank(line)) head.lines.push_back(line);
    start = end + 1;
  }
  return head;
}

bool is_docword_header(const Head& head) {
  if (head.binary || head.lines.size() < kSniffLines) return false;
  std::vector<std::string_view> fields;
  for (const std::string& line : head.lines) {
    split_fields(line, fields);
    if (fields.size() != 1 || !parse_integer(fields[0])) return false;
  }
  return true;
}

// What MatrixSource will open as ENVI: a header, or a raw file beside one.
bool is_envi_input(const std::string& path, const Head& head) {
  namespace fs = std::filesystem;
  if (ends_with(path, ".hdr") || ends_with(path, ".HDR")) return true;
  if (!head.lines.empty() && head.lines[0].rfind("ENVI", 0) == 0) return true;
  fs::path replaced(path);
  replaced.replace_extension(".hdr");
  return fs::is_regular_file(path + ".hdr") || fs::is_regular_file(replaced);
}

std::string starting_text(const Head& head) {
  return head.lines.empty() ? "nothing but blank lines"
                            : "it starts with " + quoted_excerpt(head.lines[0]);
}

}  // namespace

TextMatrixFormat detect_text_matrix_format(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return TextMatrixFormat::kNone;
  const std::string name = std::filesystem::path(path).filename().string();
  if (is_gzip_file(path)) {
    const Head head = read_head(path);
    if (!head.lines.empty() && starts_with_banner(head.lines[0])) {
      return TextMatrixFormat::kMatrixMarket;
    }
    if (is_docword_header(head)) return TextMatrixFormat::kBagOfWords;
    // Named like one: the reader says what is wrong with it.
    if (ends_with(name, ".mtx.gz")) return TextMatrixFormat::kMatrixMarket;
    if (name.find("docword") != std::string::npos) return TextMatrixFormat::kBagOfWords;
    throw Error("'" + path +
                "' is gzip-compressed but neither a Matrix Market nor a UCI docword file: " +
                starting_text(head));
  }
  if (H5Fis_hdf5(path.c_str()) > 0) return TextMatrixFormat::kNone;
  const Head head = read_plain_head(path);
  if (!head.lines.empty() && starts_with_banner(head.lines[0])) {
    return TextMatrixFormat::kMatrixMarket;
  }
  if (is_docword_header(head)) return TextMatrixFormat::kBagOfWords;
  if (is_envi_input(path, head)) return TextMatrixFormat::kNone;
  // Named like one: the reader says what is wrong with it.
  if (ends_with(name, ".mtx")) return TextMatrixFormat::kMatrixMarket;
  if (name.find("docword") != std::string::npos) return TextMatrixFormat::kBagOfWords;
  if (head.binary) return TextMatrixFormat::kNone;  // MatrixSource: "not an HDF5 file"
  throw Error("'" + path +
              "' is neither a Matrix Market file, a UCI docword file, HDF5 nor ENVI: " +
              starting_text(head));
}

std::string to_string(TextMatrixFormat format) {
  switch (format) {
    case TextMatrixFormat::kMatrixMarket:
      return "Matrix Market";
    case TextMatrixFormat::kBagOfWords:
      return "UCI docword";
    case TextMatrixFormat::kNone:
      break;
  }
  return "none";
}

}  // namespace gridnmf::io
