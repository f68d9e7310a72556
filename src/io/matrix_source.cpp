#include "gridnmf/io/matrix_source.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <type_traits>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/mpi/error.hpp"
#include "source_impl.hpp"

namespace gridnmf::io {

namespace {

bool ends_with_hdr(const std::string& path) {
  if (path.size() < 4) return false;
  std::string tail = path.substr(path.size() - 4);
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == ".hdr";
}

bool starts_with(const std::string& path, const std::string& magic) {
  std::ifstream stream(path, std::ios::binary);
  std::string head(magic.size(), '\0');
  return stream.read(head.data(), static_cast<std::streamsize>(head.size())) && head == magic;
}

bool starts_with_envi(const std::string& path) { return starts_with(path, "ENVI"); }

// Decided on rank 0 from the file system: "" for HDF5, "npy" for a NumPy
// file, otherwise the ENVI header path (and the raw path when the user named
// the raw file).
struct Route {
  std::string header;
  std::string raw;
};

Route route_of(const std::string& path) {
  namespace fs = std::filesystem;
  if (starts_with(path, "\x93NUMPY")) return {"npy", ""};
  if (ends_with_hdr(path) || starts_with_envi(path)) return {path, ""};
  if (!fs::is_regular_file(path) || H5Fis_hdf5(path.c_str()) > 0) return {};
  fs::path replaced(path);
  replaced.replace_extension(".hdr");
  for (const std::string& header : {path + ".hdr", replaced.string()}) {
    if (header != path && fs::is_regular_file(header) && starts_with_envi(header)) {
      return {header, path};
    }
  }
  return {};
}

}  // namespace

void broadcast_from_root(MPI_Comm comm, std::string& text) {
  std::int64_t size = static_cast<std::int64_t>(text.size());
  GRIDNMF_MPI_CHECK(MPI_Bcast(&size, 1, MPI_INT64_T, 0, comm));
  text.resize(static_cast<std::size_t>(size));
  GRIDNMF_MPI_CHECK(MPI_Bcast(text.data(), comm::checked_count(size), MPI_CHAR, 0, comm));
}

MatrixSource MatrixSource::open(MPI_Comm comm, const std::string& path,
                                const std::string& dataset, bool transpose) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  Route route;
  comm::agree_on_failure(comm, [&] {
    if (rank != 0) return;
    check_input_file(path, "--input");  // before route_of opens it
    route = route_of(path);
  });
  broadcast_from_root(comm, route.header);
  broadcast_from_root(comm, route.raw);
  std::unique_ptr<Impl> impl;
  if (route.header.empty()) {
    impl = open_hdf5_source(comm, path, dataset);
  } else if (route.header == "npy") {
    impl = open_npy_source(comm, path);
  } else {
    impl = open_envi_source(comm, route.header, route.raw);
  }
  // AnnData stores samples x features, so its natural V is already the transpose.
  const bool samples_first = impl->samples_by_features();
  return MatrixSource(std::move(impl), transpose != samples_first);
}

MatrixSource::MatrixSource(std::unique_ptr<Impl> impl, bool transpose)
    : impl_(std::move(impl)), transpose_(transpose), metadata_(impl_->metadata) {
  const MatrixShape stored = impl_->shape;
  if (transpose_) std::swap(metadata_.row_names, metadata_.col_names);
  // Per-band metadata applies to the rows of V and the image shape to its
  // columns: kept when the counts match V as it is now (so a scene stored
  // pixels x bands keeps them after --transpose), dropped otherwise.
  const MatrixShape now =
      transpose_ ? MatrixShape{stored.cols, stored.rows} : stored;
  if (static_cast<std::int64_t>(metadata_.wavelengths.size()) != now.rows) {
    metadata_.wavelengths.clear();
  }
  if (static_cast<std::int64_t>(metadata_.band_names.size()) != now.rows) {
    metadata_.band_names.clear();
  }
  if (metadata_.reference_spectra.rows != now.rows) metadata_.reference_spectra = {};
  const std::int64_t pixels = metadata_.image_rows * metadata_.image_cols;
  stored_pixels_as_rows_ = pixels > 0 && pixels == now.rows && pixels != now.cols;
  if (pixels != now.cols) metadata_.image_rows = metadata_.image_cols = 0;
}
MatrixSource::MatrixSource(MatrixSource&&) noexcept = default;
MatrixSource& MatrixSource::operator=(MatrixSource&&) noexcept = default;
MatrixSource::~MatrixSource() = default;

MatrixShape MatrixSource::shape() const {
  return transpose_ ? MatrixShape{impl_->shape.cols, impl_->shape.rows} : impl_->shape;
}
bool MatrixSource::is_sparse() const { return impl_->is_sparse(); }
bool MatrixSource::transposed() const { return transpose_; }
bool MatrixSource::pixels_along_rows() const { return stored_pixels_as_rows_; }
std::int64_t MatrixSource::stored_nonzeros() const { return impl_->stored_nonzeros(); }
std::string MatrixSource::kind() const {
  if (!impl_->is_sparse()) return "dense " + impl_->stored_type();
  return "sparse " + impl_->format() + " " + impl_->stored_type() + ", " +
         std::to_string(impl_->stored_nonzeros()) + " stored entries";
}
const SourceMetadata& MatrixSource::metadata() const { return metadata_; }
std::string MatrixSource::format() const { return impl_->format(); }
std::string MatrixSource::description() const { return impl_->description(); }
std::string MatrixSource::stored_type() const { return impl_->stored_type(); }
std::vector<std::string> MatrixSource::files() const { return impl_->files(); }
std::int64_t MatrixSource::ignored_values() const { return impl_->ignored_values; }
void MatrixSource::close() { impl_->close(); }

template <typename T>
LocalMatrix<T> MatrixSource::read_block(const IndexRange& rows, const IndexRange& cols) {
  // A transposed block is the stored block of the swapped ranges, turned
  // over in memory: the file is still read once, by hyperslab.
  const IndexRange& stored_rows = transpose_ ? cols : rows;
  const IndexRange& stored_cols = transpose_ ? rows : cols;
  LocalMatrix<T> block;
  if constexpr (std::is_same_v<T, double>) {
    block = impl_->read_double(stored_rows, stored_cols);
  } else {
    block = impl_->read_float(stored_rows, stored_cols);
  }
  return transpose_ ? gridnmf::transposed(block) : block;
}

template <typename T>
SparseBlock<T> MatrixSource::read_sparse_block(SparseTarget target, SparseReadReport& report) {
  target.transpose = transpose_;
  if constexpr (std::is_same_v<T, double>) {
    return impl_->read_sparse_double(target, report);
  } else {
    return impl_->read_sparse_float(target, report);
  }
}

template LocalMatrix<double> MatrixSource::read_block<double>(const IndexRange&,
                                                              const IndexRange&);
template LocalMatrix<float> MatrixSource::read_block<float>(const IndexRange&, const IndexRange&);
template SparseBlock<double> MatrixSource::read_sparse_block<double>(SparseTarget,
                                                                     SparseReadReport&);
template SparseBlock<float> MatrixSource::read_sparse_block<float>(SparseTarget,
                                                                   SparseReadReport&);

}  // namespace gridnmf::io
