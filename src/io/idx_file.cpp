#include "gridnmf/io/idx_file.hpp"

#include <zlib.h>

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

IdxArray read_idx_bytes(const std::string& path) {
  ZFile file(path);
  if (!file.is_open()) throw Error("cannot open '" + path + "'");
  unsigned char magic[4] = {};
  if (file.read(magic, 4) != 4 || magic[0] != 0 || magic[1] != 0 || !is_known_type(magic[2])) {
    throw Error("'" + path + "' is not an IDX file (bad magic number)");
  }
  if (magic[2] != kUnsignedByte) {
    throw Error("'" + path + "' holds IDX type 0x" + std::to_string(magic[2]) +
                "; gridnmf reads unsigned-byte (0x08) image files");
  }
  IdxArray array;
  std::int64_t count = 1;
  for (int d = 0; d < magic[3]; ++d) {
    unsigned char size[4];
    if (file.read(size, 4) != 4) throw Error("'" + path + "' is truncated in its header");
    const std::int64_t extent = (std::int64_t{size[0]} << 24) | (size[1] << 16) |
                                (size[2] << 8) | size[3];
    if (extent <= 0) {
      throw Error("'" + path + "' declares a dimension of size " + std::to_string(extent));
    }
    if (count > std::numeric_limits<std::int64_t>::max() / extent) {
      throw Error("'" + path + "' declares more values than can be addressed");
    }
    count *= extent;
    array.dims.push_back(extent);
  }
  array.values.resize(static_cast<std::size_t>(count));
  const std::int64_t got = file.read(array.values.data(), count);
  if (got < 0) throw Error("'" + path + "' is a corrupt gzip stream");
  if (got < count) {
    throw Error("'" + path + "' is truncated: " + std::to_string(got) + " of " +
                std::to_string(count) + " values");
  }
  unsigned char extra = 0;
  if (file.read(&extra, 1) != 0) {
    throw Error("'" + path + "' has bytes after its " + std::to_string(count) +
                " declared values (wrong dimensions?)");
  }
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
