#include "gridnmf/io/envi_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

constexpr std::int64_t kPageBytes = 4096;            // gaps up to this are read through
constexpr std::int64_t kWindowBytes = 8 << 20;       // at most this much per pread

// One contiguous stretch of values in the raw file and where it lands in the
// row-major block: value t goes to destination + t * stride.
struct Run {
  std::int64_t offset;  // bytes from the start of the raw file
  std::int64_t count;   // values
  std::int64_t destination;
  std::int64_t stride;
};

bool host_is_big_endian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 0;
}

template <typename Raw>
double decode(const unsigned char* bytes, bool swap) {
  unsigned char copy[sizeof(Raw)];
  std::memcpy(copy, bytes, sizeof(Raw));
  if (swap) {
    for (std::size_t i = 0; i < sizeof(Raw) / 2; ++i) std::swap(copy[i], copy[sizeof(Raw) - 1 - i]);
  }
  Raw value;
  std::memcpy(&value, copy, sizeof(Raw));
  return static_cast<double>(value);
}

// Decodes runs that lie inside one buffer read from the file, converting each
// value to T and replacing the data ignore value by 0.
template <typename T>
class RunDecoder {
 public:
  RunDecoder(const EnviHeader& header, T* block)
      : header_(header),
        block_(block),
        swap_(header.big_endian != host_is_big_endian()),
        width_(bytes_per_value(header.data_type)) {}

  void decode_run(const Run& run, const unsigned char* bytes) {
    switch (header_.data_type) {
      case EnviDataType::kUint8: return store<std::uint8_t>(run, bytes);
      case EnviDataType::kInt16: return store<std::int16_t>(run, bytes);
      case EnviDataType::kInt32: return store<std::int32_t>(run, bytes);
      case EnviDataType::kFloat32: return store<float>(run, bytes);
      case EnviDataType::kFloat64: return store<double>(run, bytes);
      case EnviDataType::kUint16: return store<std::uint16_t>(run, bytes);
    }
  }

  std::int64_t ignored() const { return ignored_; }

 private:
  template <typename Raw>
  void store(const Run& run, const unsigned char* bytes) {
    const bool has_ignore = header_.data_ignore_value.has_value();
    const double ignore = has_ignore ? *header_.data_ignore_value : 0.0;
    const bool ignore_nan = has_ignore && std::isnan(ignore);
    for (std::int64_t t = 0; t < run.count; ++t) {
      double value = decode<Raw>(bytes + t * width_, swap_);
      if (has_ignore && (value == ignore || (ignore_nan && std::isnan(value)))) {
        value = 0.0;
        ++ignored_;
      }
      block_[run.destination + t * run.stride] = static_cast<T>(value);
    }
  }

  const EnviHeader& header_;
  T* block_;
  bool swap_;
  std::int64_t width_;
  std::int64_t ignored_ = 0;
};

// Collects runs in increasing file order and reads neighbouring ones with a
// single pread, so small runs do not cost one system call each.
template <typename T>
class WindowedReader {
 public:
  WindowedReader(int descriptor, const std::string& path, RunDecoder<T>& decoder,
                 std::int64_t width)
      : descriptor_(descriptor), path_(path), decoder_(decoder), width_(width) {}

  void add(Run run) {
    // Split runs longer than a window so the buffer stays bounded.
    const std::int64_t max_values = std::max<std::int64_t>(1, kWindowBytes / width_);
    while (run.count > max_values) {
      Run head = run;
      head.count = max_values;
      add_small(head);
      run.offset += max_values * width_;
      run.destination += max_values * run.stride;
      run.count -= max_values;
    }
    if (run.count > 0) add_small(run);
  }

  void flush() {
    if (pending_.empty()) return;
    const std::int64_t begin = pending_.front().offset;
    const std::int64_t end = pending_end_;
    buffer_.resize(static_cast<std::size_t>(end - begin));
    std::int64_t done = 0;
    while (done < end - begin) {
      const ssize_t got = pread(descriptor_, buffer_.data() + done,
                                static_cast<std::size_t>(end - begin - done), begin + done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        throw Error("cannot read '" + path_ + "' at byte " + std::to_string(begin + done) +
                    (got < 0 ? ": " + std::string(std::strerror(errno)) : ": file too short"));
      }
      done += got;
    }
    bytes_read_ += end - begin;
    for (const Run& run : pending_) decoder_.decode_run(run, buffer_.data() + (run.offset - begin));
    pending_.clear();
  }

  std::int64_t bytes_read() const { return bytes_read_; }

 private:
  void add_small(const Run& run) {
    const std::int64_t run_end = run.offset + run.count * width_;
    if (!pending_.empty() && (run.offset - pending_end_ > kPageBytes ||
                              run_end - pending_.front().offset > kWindowBytes)) {
      flush();
    }
    pending_.push_back(run);
    pending_end_ = run_end;
  }

  int descriptor_;
  const std::string& path_;
  RunDecoder<T>& decoder_;
  std::int64_t width_;
  std::vector<Run> pending_;
  std::int64_t pending_end_ = 0;
  std::vector<unsigned char> buffer_;
  std::int64_t bytes_read_ = 0;
};

// The samples s with first <= s * lines + line < last: a contiguous range.
IndexRange samples_of_line(std::int64_t line, std::int64_t lines, const IndexRange& pixels) {
  const std::int64_t first =
      pixels.begin <= line ? 0 : (pixels.begin - line + lines - 1) / lines;
  const std::int64_t last = pixels.end() - 1 < line ? 0 : (pixels.end() - 1 - line) / lines + 1;
  return IndexRange{first, std::max<std::int64_t>(0, last - first)};
}

}  // namespace

EnviReader::EnviReader(std::string raw_path, EnviHeader header)
    : raw_path_(std::move(raw_path)), header_(std::move(header)) {
  descriptor_ = open(raw_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor_ < 0) {
    throw Error("cannot open ENVI raw file '" + raw_path_ + "': " + std::strerror(errno));
  }
  struct stat status {};
  if (fstat(descriptor_, &status) != 0) {
    close(descriptor_);
    throw Error("cannot read the size of '" + raw_path_ + "'");
  }
  const std::int64_t needed = header_.required_file_bytes();
  if (static_cast<std::int64_t>(status.st_size) < needed) {
    close(descriptor_);
    throw Error("ENVI raw file '" + raw_path_ + "' has " + std::to_string(status.st_size) +
                " bytes but the header needs " + std::to_string(needed) +
                " ('header offset' + samples x lines x bands x " +
                std::to_string(bytes_per_value(header_.data_type)) + " bytes)");
  }
}

EnviReader::~EnviReader() {
  if (descriptor_ >= 0) close(descriptor_);
}

EnviReader::EnviReader(EnviReader&& other) noexcept
    : raw_path_(std::move(other.raw_path_)),
      header_(std::move(other.header_)),
      descriptor_(std::exchange(other.descriptor_, -1)),
      ignored_values_(other.ignored_values_),
      bytes_read_(other.bytes_read_) {}

template <typename T>
LocalMatrix<T> EnviReader::read_block(const IndexRange& bands, const IndexRange& pixels) {
  LocalMatrix<T> block(bands.size, pixels.size);
  if (block.size() == 0) return block;
  const std::int64_t lines = header_.lines;
  const std::int64_t samples = header_.samples;
  const std::int64_t total_bands = header_.bands;
  const std::int64_t width = bytes_per_value(header_.data_type);
  const std::int64_t base = header_.header_offset;
  RunDecoder<T> decoder(header_, block.data());
  WindowedReader<T> reader(descriptor_, raw_path_, decoder, width);

  // Column of pixel (line, sample) in the block; runs along samples step by `lines`.
  auto column = [&](std::int64_t line, std::int64_t sample) {
    return sample * lines + line - pixels.begin;
  };
  // Runs are generated in increasing file order for each interleave.
  switch (header_.interleave) {
    case EnviInterleave::kBsq:  // [band][line][sample]
      for (std::int64_t b = bands.begin; b < bands.end(); ++b) {
        for (std::int64_t line = 0; line < lines; ++line) {
          const IndexRange s = samples_of_line(line, lines, pixels);
          if (s.size == 0) continue;
          reader.add({base + ((b * lines + line) * samples + s.begin) * width, s.size,
                      (b - bands.begin) * pixels.size + column(line, s.begin), lines});
        }
      }
      break;
    case EnviInterleave::kBil:  // [line][band][sample]
      for (std::int64_t line = 0; line < lines; ++line) {
        const IndexRange s = samples_of_line(line, lines, pixels);
        if (s.size == 0) continue;
        for (std::int64_t b = bands.begin; b < bands.end(); ++b) {
          reader.add({base + ((line * total_bands + b) * samples + s.begin) * width, s.size,
                      (b - bands.begin) * pixels.size + column(line, s.begin), lines});
        }
      }
      break;
    case EnviInterleave::kBip:  // [line][sample][band]
      for (std::int64_t line = 0; line < lines; ++line) {
        const IndexRange s = samples_of_line(line, lines, pixels);
        for (std::int64_t sample = s.begin; sample < s.end(); ++sample) {
          reader.add({base + ((line * samples + sample) * total_bands + bands.begin) * width,
                      bands.size, column(line, sample), pixels.size});
        }
      }
      break;
  }
  reader.flush();
  ignored_values_ += decoder.ignored();
  bytes_read_ += reader.bytes_read();
  return block;
}

template LocalMatrix<double> EnviReader::read_block<double>(const IndexRange&, const IndexRange&);
template LocalMatrix<float> EnviReader::read_block<float>(const IndexRange&, const IndexRange&);

}  // namespace gridnmf::io
