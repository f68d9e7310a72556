// MatrixSource for an ENVI image: the header is read once on rank 0 and
// parsed on every rank (replicated, so every rank reaches the same verdict);
// each rank then reads only its own bands and pixels from the raw file.
#include <fstream>
#include <optional>
#include <sstream>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/envi_reader.hpp"
#include "source_impl.hpp"

namespace gridnmf::io {

namespace {

constexpr std::size_t kMaxHeaderBytes = 16 << 20;  // a larger file is not a header

std::string read_header_text(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw Error("cannot read ENVI header '" + path + "' (missing or unreadable)");
  std::ostringstream text;
  text << stream.rdbuf();
  if (text.str().size() > kMaxHeaderBytes) {
    throw Error("'" + path + "' is too large to be an ENVI header");
  }
  return text.str();
}

class EnviSource : public MatrixSource::Impl {
 public:
  EnviSource(MPI_Comm comm, const std::string& header_path, std::string raw_path)
      : comm_(comm), header_path_(header_path) {
    int rank = 0;
    MPI_Comm_rank(comm_, &rank);
    std::string text;
    comm::agree_on_failure(comm_, [&] {
      if (rank == 0) text = read_header_text(header_path);
    });
    broadcast_from_root(comm_, text);
    EnviHeader header;
    comm::agree_on_failure(comm_, [&] { header = parse_envi_header(text, header_path); });
    comm::agree_on_failure(comm_, [&] {
      if (rank == 0 && raw_path.empty()) raw_path = find_envi_data_file(header_path, header);
    });
    broadcast_from_root(comm_, raw_path);
    comm::agree_on_failure(comm_, [&] { reader_.emplace(raw_path, header); });

    shape.rows = header.bands;
    shape.cols = header.lines * header.samples;
    metadata.wavelengths = header.wavelengths;
    metadata.wavelength_units = header.wavelength_units;
    metadata.band_names = header.band_names;
    metadata.data_ignore_value = header.data_ignore_value;
    metadata.image_rows = header.lines;
    metadata.image_cols = header.samples;
  }

  std::string format() const override { return "envi"; }
  std::string description() const override {
    const EnviHeader& header = reader_->header();
    return header_path_ + " (ENVI " + to_string(header.interleave) + " " +
           to_string(header.data_type) + ", raw file " + reader_->raw_path() + ")";
  }
  std::string stored_type() const override { return to_string(reader_->header().data_type); }
  std::vector<std::string> files() const override {
    return {header_path_, reader_->raw_path()};
  }

  LocalMatrix<double> read_double(const IndexRange& rows, const IndexRange& cols) override {
    return read<double>(rows, cols);
  }
  LocalMatrix<float> read_float(const IndexRange& rows, const IndexRange& cols) override {
    return read<float>(rows, cols);
  }
  void close() override { reader_.reset(); }

 private:
  template <typename T>
  LocalMatrix<T> read(const IndexRange& rows, const IndexRange& cols) {
    LocalMatrix<T> block;
    const std::int64_t before = reader_->ignored_values();
    comm::agree_on_failure(comm_, [&] { block = reader_->read_block<T>(rows, cols); });
    std::int64_t replaced = reader_->ignored_values() - before;
    comm::allreduce_sum(comm_, &replaced, 1);
    ignored_values += replaced;
    return block;
  }

  MPI_Comm comm_;
  std::string header_path_;
  std::optional<EnviReader> reader_;
};

}  // namespace

std::unique_ptr<MatrixSource::Impl> open_envi_source(MPI_Comm comm,
                                                     const std::string& header_path,
                                                     const std::string& raw_path) {
  return std::make_unique<EnviSource>(comm, header_path, raw_path);
}

}  // namespace gridnmf::io
