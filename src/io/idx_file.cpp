#include "gridnmf/io/idx_file.hpp"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <limits>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

constexpr int kUnsignedByte = 0x08;

// Owns a zlib file (which reads plain files as they are).
class ZFile {
 public:
  explicit ZFile(const std::string& path) : file_(gzopen(path.c_str(), "rb")) {}
  ~ZFile() {
    if (file_) gzclose(file_);
  }
  ZFile(const ZFile&) = delete;
  ZFile& operator=(const ZFile&) = delete;
  bool is_open() const { return file_ != nullptr; }
  // Bytes read (fewer at the end of the file); -1 on a corrupt stream.
  std::int64_t read(void* out, std::int64_t count) {
    std::int64_t done = 0;
    auto* bytes = static_cast<unsigned char*>(out);
    while (done < count) {
      const unsigned chunk =
          static_cast<unsigned>(std::min<std::int64_t>(count - done, std::int64_t{1} << 30));
      const int got = gzread(file_, bytes + done, chunk);
      if (got < 0) return -1;
      if (got == 0) break;
      done += got;
    }
    return done;
  }

 private:
  gzFile file_;
};

bool is_known_type(int type) {
  return type == 0x08 || type == 0x09 || type == 0x0B || type == 0x0C || type == 0x0D ||
         type == 0x0E;
}

}  // namespace

bool looks_like_idx(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  ZFile file(path);
  unsigned char magic[4] = {};
  if (!file.is_open() || file.read(magic, 4) != 4) return false;
  return magic[0] == 0 && magic[1] == 0 && is_known_type(magic[2]) && magic[3] >= 1 &&
         magic[3] <= 4;
}

namespace {

// The magic number and sizes, from an open stream; values and offset filled in.
IdxHeader parse_header(ZFile& file, const std::string& path) {
  unsigned char magic[4] = {};
  if (file.read(magic, 4) != 4 || magic[0] != 0 || magic[1] != 0 || !is_known_type(magic[2])) {
    throw Error("'" + path + "' is not an IDX file (bad magic number)");
  }
  if (magic[2] != kUnsignedByte) {
    throw Error("'" + path + "' holds IDX type 0x" + std::to_string(magic[2]) +
                "; gridnmf reads unsigned-byte (0x08) image files");
  }
  IdxHeader header;
  header.values = 1;
  for (int d = 0; d < magic[3]; ++d) {
    unsigned char size[4];
    if (file.read(size, 4) != 4) throw Error("'" + path + "' is truncated in its header");
    const std::int64_t extent = (std::int64_t{size[0]} << 24) | (size[1] << 16) |
                                (size[2] << 8) | size[3];
    if (extent <= 0) {
      throw Error("'" + path + "' declares a dimension of size " + std::to_string(extent));
    }
    if (header.values > std::numeric_limits<std::int64_t>::max() / extent) {
      throw Error("'" + path + "' declares more values than can be addressed");
    }
    header.values *= extent;
    header.dims.push_back(extent);
  }
  header.data_offset = 4 + 4 * static_cast<std::int64_t>(header.dims.size());
  return header;
}

std::string truncated(const std::string& path, std::int64_t got, std::int64_t count) {
  return "'" + path + "' is truncated: " + std::to_string(got) + " of " + std::to_string(count) +
         " values";
}

std::string bytes_after(const std::string& path, std::int64_t count) {
  return "'" + path + "' has bytes after its " + std::to_string(count) +
         " declared values (wrong dimensions?)";
}

// True when the file starts with gzip's magic bytes.
bool is_gzip(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  unsigned char magic[2] = {};
  const bool gzip = std::fread(magic, 1, 2, file) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  std::fclose(file);
  return gzip;
}

}  // namespace

IdxHeader read_idx_header(const std::string& path) {
  ZFile file(path);
  if (!file.is_open()) throw Error("cannot open '" + path + "'");
  IdxHeader header = parse_header(file, path);
  header.compressed = is_gzip(path);
  if (!header.compressed) {
    std::error_code error;
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path, error));
    if (error) throw Error("cannot read the size of '" + path + "': " + error.message());
    const std::int64_t stored = size - header.data_offset;
    if (stored < header.values) throw Error(truncated(path, stored, header.values));
    if (stored > header.values) throw Error(bytes_after(path, header.values));
  }
  return header;
}

std::vector<std::uint8_t> read_idx_values(const std::string& path, const IdxHeader& header,
                                          std::int64_t first, std::int64_t count) {
  std::vector<std::uint8_t> values(static_cast<std::size_t>(count));
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error("cannot open '" + path + "'");
  const bool read = fseeko(file, static_cast<off_t>(header.data_offset + first), SEEK_SET) == 0 &&
                    std::fread(values.data(), 1, values.size(), file) == values.size();
  std::fclose(file);
  if (!read) {
    throw Error("cannot read values " + std::to_string(first) + " to " +
                std::to_string(first + count) + " of '" + path + "'");
  }
  return values;
}

IdxArray read_idx_bytes(const std::string& path) {
  ZFile file(path);
  if (!file.is_open()) throw Error("cannot open '" + path + "'");
  const IdxHeader header = parse_header(file, path);
  IdxArray array;
  array.dims = header.dims;
  const std::int64_t count = header.values;
  array.values.resize(static_cast<std::size_t>(count));
  const std::int64_t got = file.read(array.values.data(), count);
  if (got < 0) throw Error("'" + path + "' is a corrupt gzip stream");
  if (got < count) throw Error(truncated(path, got, count));
  unsigned char extra = 0;
  if (file.read(&extra, 1) != 0) throw Error(bytes_after(path, count));
  return array;
}

std::string idx_labels_beside(const std::string& images_path) {
  const std::string images = "images-idx3-ubyte";
  const std::size_t at = images_path.rfind(images);
  if (at == std::string::npos) return "";
  std::string labels = images_path;
  labels.replace(at, images.size(), "labels-idx1-ubyte");
  std::error_code error;
  return std::filesystem::is_regular_file(labels, error) ? labels : "";
}

}  // namespace gridnmf::io
