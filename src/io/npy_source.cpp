// MatrixSource for a NumPy .npy file (format versions 1, 2 and 3): rank 0
// reads the header, every rank parses the same text (so every rank reaches the
// same verdict), and each rank then reads only its own block with pread, like
// the ENVI reader. C order (row-major) and Fortran order (column-major), every
// integer, float and bool dtype, either byte order.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/mpi/error.hpp"
#include "source_impl.hpp"

namespace gridnmf::io {

namespace {

constexpr std::int64_t kPageBytes = 4096;       // gaps up to this are read through
constexpr std::int64_t kWindowBytes = 8 << 20;  // at most this much per pread
constexpr std::int64_t kMaxHeaderBytes = 1 << 20;

// The parsed header: what the data bytes are and where they start.
struct NpyHeader {
  char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
  int width = 8;    // bytes per value
  bool big_endian = false;
  bool fortran_order = false;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t data_offset = 0;
  std::string descr;

  std::string type_name() const {
    if (kind == 'b') return "bool";
    if (kind == 'f') return "float" + std::to_string(8 * width);
    return std::string(kind == 'i' ? "int" : "uint") + std::to_string(8 * width);
  }
};

bool host_is_big_endian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 0;
}

// The value after `'key':` in the header dictionary, up to the next top-level
// comma or closing brace (parentheses kept together).
std::string dictionary_value(const std::string& header, const std::string& key,
                             const std::string& path) {
  std::size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) at = header.find("\"" + key + "\"");
  if (at == std::string::npos) {
    throw Error("'" + path + "' is a NumPy .npy file whose header has no '" + key + "'");
  }
  at = header.find(':', at);
  if (at == std::string::npos) throw Error("'" + path + "': malformed .npy header");
  ++at;
  int depth = 0;
  std::size_t end = at;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  const std::string value = header.substr(at, end - at);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t");
  return first == std::string::npos ? "" : value.substr(first, last - first + 1);
}

// Parses the magic, version, header dictionary; `file_size` checks the data.
// Pure: every rank calls it on the same bytes and throws the same Error.
NpyHeader parse_npy_header(const std::string& bytes, std::int64_t file_size,
                           const std::string& path) {
  const std::string where = "'" + path + "' is a NumPy .npy file";
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    throw Error("'" + path + "' is not a NumPy .npy file (no \\x93NUMPY magic)");
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::int64_t header_length = 0;
  std::int64_t prefix = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) |
                    (static_cast<std::int64_t>(static_cast<unsigned char>(bytes[9])) << 8);
    prefix = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(where + " with a truncated header");
    for (int b = 3; b >= 0; --b) {
      header_length = (header_length << 8) | static_cast<unsigned char>(bytes[8 + b]);
    }
    prefix = 12;
  } else {
    throw Error(where + " of format version " + std::to_string(major) +
                ", which gridnmf does not know (1, 2 or 3)");
  }
  if (prefix + header_length > static_cast<std::int64_t>(bytes.size())) {
    throw Error(where + " with a truncated header");
  }
  const std::string header = bytes.substr(static_cast<std::size_t>(prefix),
                                          static_cast<std::size_t>(header_length));
  NpyHeader parsed;
  parsed.data_offset = prefix + header_length;

  std::string descr = dictionary_value(header, "descr", path);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"')) {
    throw Error(where + " of a structured dtype (" + descr.substr(0, 40) +
                "); gridnmf reads plain numeric arrays: save V = arr['field'] or a plain array");
  }
  descr = descr.substr(1, descr.size() - 2);
  parsed.descr = descr;
  std::size_t position = 0;
  char order = '=';
  if (!descr.empty() && std::string("<>|=").find(descr[0]) != std::string::npos) {
    order = descr[0];
    position = 1;
  }
  if (position >= descr.size()) throw Error(where + " with dtype '" + descr + "'");
  parsed.kind = descr[position];
  const std::string width_text = descr.substr(position + 1);
  if (width_text.empty() || width_text.find_first_not_of("0123456789") != std::string::npos) {
    throw Error(where + " of dtype '" + descr + "', which is not numeric");
  }
  parsed.width = std::stoi(width_text);
  parsed.big_endian = order == '>' || (order == '=' && host_is_big_endian());
  const bool known = (parsed.kind == 'f' && (parsed.width == 2 || parsed.width == 4 ||
                                             parsed.width == 8)) ||
                     ((parsed.kind == 'i' || parsed.kind == 'u') &&
                      (parsed.width == 1 || parsed.width == 2 || parsed.width == 4 ||
                       parsed.width == 8)) ||
                     (parsed.kind == 'b' && parsed.width == 1);
  if (!known) {
    throw Error(where + " of dtype '" + descr +
                "'; gridnmf reads integer, float (16, 32, 64 bit) and bool arrays (not complex, "
                "strings or objects): save V.astype('float64')");
  }

  const std::string fortran = dictionary_value(header, "fortran_order", path);
  if (fortran != "True" && fortran != "False") {
    throw Error(where + " whose fortran_order is '" + fortran + "'");
  }
  parsed.fortran_order = fortran == "True";

  const std::string shape = dictionary_value(header, "shape", path);
  std::vector<std::int64_t> extents;
  std::string number;
  for (const char c : shape) {
    if (c >= '0' && c <= '9') {
      number += c;
    } else if (!number.empty()) {
      extents.push_back(std::stoll(number));
      number.clear();
    }
  }
  if (!number.empty()) extents.push_back(std::stoll(number));
  if (extents.size() != 2) {
    throw Error(where + " of shape " + shape + " (" + std::to_string(extents.size()) +
                " dimensions); gridnmf needs a 2-D matrix (rows = features, columns = samples)");
  }
  parsed.rows = extents[0];
  parsed.cols = extents[1];
  if (parsed.rows == 0 || parsed.cols == 0) {
    throw Error(where + " of shape " + shape + ", which is empty");
  }
  const std::int64_t data_bytes = parsed.rows * parsed.cols * parsed.width;
  if (file_size < parsed.data_offset + data_bytes) {
    throw Error(where + " that is truncated: shape " + shape + " of " + parsed.type_name() +
                " needs " + std::to_string(parsed.data_offset + data_bytes) + " bytes, the file has " +
                std::to_string(file_size));
  }
  return parsed;
}

// IEEE 754 half precision to double.
double half_to_double(std::uint16_t bits) {
  const int sign = (bits >> 15) & 1;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double value = 0.0;
  if (exponent == 0) {
    value = std::ldexp(static_cast<double>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa == 0 ? INFINITY : NAN;
  } else {
    value = std::ldexp(static_cast<double>(mantissa + 1024), exponent - 25);
  }
  return sign ? -value : value;
}

template <typename Raw>
double load(const unsigned char* bytes, bool swap) {
  unsigned char copy[sizeof(Raw)];
  std::memcpy(copy, bytes, sizeof(Raw));
  if (swap) std::reverse(copy, copy + sizeof(Raw));
  Raw value;
  std::memcpy(&value, copy, sizeof(Raw));
  return static_cast<double>(value);
}

double decode(const NpyHeader& header, bool swap, const unsigned char* bytes) {
  switch (header.kind) {
    case 'f':
      if (header.width == 8) return load<double>(bytes, swap);
      if (header.width == 4) return load<float>(bytes, swap);
      return half_to_double(static_cast<std::uint16_t>(load<std::uint16_t>(bytes, swap)));
    case 'i':
      if (header.width == 1) return load<std::int8_t>(bytes, false);
      if (header.width == 2) return load<std::int16_t>(bytes, swap);
      if (header.width == 4) return load<std::int32_t>(bytes, swap);
      return load<std::int64_t>(bytes, swap);
    case 'u':
      if (header.width == 1) return load<std::uint8_t>(bytes, false);
      if (header.width == 2) return load<std::uint16_t>(bytes, swap);
      if (header.width == 4) return load<std::uint32_t>(bytes, swap);
      return load<std::uint64_t>(bytes, swap);
    default:
      return bytes[0] != 0 ? 1.0 : 0.0;
  }
}

// One contiguous stretch of values in the file and where it lands in the
// row-major block: value t goes to destination + t * stride.
struct Run {
  std::int64_t offset;
  std::int64_t count;
  std::int64_t destination;
  std::int64_t stride;
};

class NpySource : public MatrixSource::Impl {
 public:
  NpySource(MPI_Comm comm, std::string path) : comm_(comm), path_(std::move(path)) {
    int rank = 0;
    MPI_Comm_rank(comm_, &rank);
    std::string head;
    std::int64_t file_size = 0;
    comm::agree_on_failure(comm_, [&] {
      if (rank != 0) return;
      const int descriptor = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (descriptor < 0) {
        throw Error("cannot open '" + path_ + "': " + std::strerror(errno));
      }
      struct stat status = {};
      fstat(descriptor, &status);
      file_size = static_cast<std::int64_t>(status.st_size);
      head.resize(static_cast<std::size_t>(std::min(file_size, kMaxHeaderBytes)));
      std::size_t done = 0;
      while (done < head.size()) {
        const ssize_t got = pread(descriptor, head.data() + done, head.size() - done,
                                  static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        done += static_cast<std::size_t>(got);
      }
      ::close(descriptor);
      head.resize(done);
    });
    broadcast_from_root(comm_, head);
    GRIDNMF_MPI_CHECK(MPI_Bcast(&file_size, 1, MPI_INT64_T, 0, comm_));
    comm::agree_on_failure(comm_, [&] { header_ = parse_npy_header(head, file_size, path_); });
    shape.rows = header_.rows;
    shape.cols = header_.cols;
  }

  ~NpySource() override { release(); }

  std::string format() const override { return "npy"; }
  std::string description() const override {
    return path_ + " (npy " + header_.type_name() + ", " +
           (header_.fortran_order ? "Fortran" : "C") + " order)";
  }
  std::string stored_type() const override { return header_.type_name(); }
  std::vector<std::string> files() const override { return {path_}; }

  LocalMatrix<double> read_double(const IndexRange& rows, const IndexRange& cols) override {
    return read<double>(rows, cols);
  }
  LocalMatrix<float> read_float(const IndexRange& rows, const IndexRange& cols) override {
    return read<float>(rows, cols);
  }
  void close() override { release(); }

 private:
  void release() {
    if (descriptor_ >= 0) ::close(descriptor_);
    descriptor_ = -1;
  }

  template <typename T>
  LocalMatrix<T> read(const IndexRange& rows, const IndexRange& cols) {
    LocalMatrix<T> block(rows.size, cols.size);
    comm::agree_on_failure(comm_, [&] {
      if (block.size() == 0) return;
      if (descriptor_ < 0) {
        descriptor_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (descriptor_ < 0) {
          throw Error("cannot open '" + path_ + "': " + std::strerror(errno));
        }
      }
      // C order: one run per block row; Fortran order: one run per block column.
      std::vector<Run> runs;
      const std::int64_t w = header_.width;
      if (!header_.fortran_order) {
        for (std::int64_t r = 0; r < rows.size; ++r) {
          runs.push_back({header_.data_offset + ((rows.begin + r) * header_.cols + cols.begin) * w,
                          cols.size, r * cols.size, 1});
        }
      } else {
        for (std::int64_t c = 0; c < cols.size; ++c) {
          runs.push_back({header_.data_offset + ((cols.begin + c) * header_.rows + rows.begin) * w,
                          rows.size, c, cols.size});
        }
      }
      read_runs(runs, block.data());
    });
    return block;
  }

  // Reads runs in file order, neighbouring ones (gap below a page) with one
  // pread, in windows of at most kWindowBytes.
  template <typename T>
  void read_runs(const std::vector<Run>& runs, T* block) {
    const std::int64_t w = header_.width;
    const bool swap = header_.big_endian != host_is_big_endian();
    const std::int64_t values_per_window = std::max<std::int64_t>(1, kWindowBytes / w);
    std::vector<Run> pending;
    std::int64_t pending_end = 0;
    auto flush = [&] {
      if (pending.empty()) return;
      const std::int64_t begin = pending.front().offset;
      buffer_.resize(static_cast<std::size_t>(pending_end - begin));
      std::int64_t done = 0;
      while (done < pending_end - begin) {
        const ssize_t got = pread(descriptor_, buffer_.data() + done,
                                  static_cast<std::size_t>(pending_end - begin - done),
                                  static_cast<off_t>(begin + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          throw Error("cannot read '" + path_ + "' at byte " + std::to_string(begin + done) +
                      (got < 0 ? ": " + std::string(std::strerror(errno)) : ": file too short"));
        }
        done += got;
      }
      for (const Run& run : pending) {
        const unsigned char* bytes = buffer_.data() + (run.offset - begin);
        for (std::int64_t t = 0; t < run.count; ++t) {
          block[run.destination + t * run.stride] = static_cast<T>(decode(header_, swap, bytes + t * w));
        }
      }
      pending.clear();
    };
    for (Run run : runs) {
      while (run.count > 0) {
        Run piece = run;
        piece.count = std::min(run.count, values_per_window);
        const std::int64_t piece_end = piece.offset + piece.count * w;
        if (!pending.empty() && (piece.offset - pending_end > kPageBytes ||
                                 piece_end - pending.front().offset > kWindowBytes)) {
          flush();
        }
        pending.push_back(piece);
        pending_end = piece_end;
        run.offset += piece.count * w;
        run.destination += piece.count * run.stride;
        run.count -= piece.count;
      }
    }
    flush();
  }

  MPI_Comm comm_;
  std::string path_;
  NpyHeader header_;
  int descriptor_ = -1;
  std::vector<unsigned char> buffer_;
};

}  // namespace

std::unique_ptr<MatrixSource::Impl> open_npy_source(MPI_Comm comm, const std::string& path) {
  return std::make_unique<NpySource>(comm, path);
}

}  // namespace gridnmf::io
