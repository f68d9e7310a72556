#pragma once

// Internal: the interface each input format implements behind MatrixSource.
#include <memory>
#include <stdexcept>
#include <string>

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/sparse_layout.hpp"

namespace gridnmf::io {

class MatrixSource::Impl {
 public:
  virtual ~Impl() = default;
  MatrixShape shape;
  SourceMetadata metadata;
  std::int64_t ignored_values = 0;

  virtual std::string format() const = 0;
  virtual std::string description() const = 0;
  virtual std::string stored_type() const = 0;
  virtual std::vector<std::string> files() const = 0;
  virtual LocalMatrix<double> read_double(const IndexRange& rows, const IndexRange& cols) = 0;
  virtual LocalMatrix<float> read_float(const IndexRange& rows, const IndexRange& cols) = 0;
  // Sparse formats only.
  virtual bool is_sparse() const { return false; }
  virtual bool samples_by_features() const { return false; }
  virtual std::int64_t stored_nonzeros() const { return 0; }
  virtual SparseBlock<double> read_sparse_double(const SparseTarget&, SparseReadReport&) {
    throw std::logic_error("not a sparse source");
  }
  virtual SparseBlock<float> read_sparse_float(const SparseTarget&, SparseReadReport&) {
    throw std::logic_error("not a sparse source");
  }
  virtual void close() = 0;
};

// Collective over `comm`; see MatrixSource::open.
std::unique_ptr<MatrixSource::Impl> open_hdf5_source(MPI_Comm comm, const std::string& path,
                                                     const std::string& dataset);
// The sparse group `layout` of the open `file` (taken over). Collective over `comm`.
std::unique_ptr<MatrixSource::Impl> open_sparse_hdf5_source(MPI_Comm comm, const std::string& path,
                                                            Hdf5Handle file, SparseLayout layout);
// `header_path` is the .hdr; `raw_path` overrides the raw file found from it
// when not empty. Collective over `comm`.
std::unique_ptr<MatrixSource::Impl> open_envi_source(MPI_Comm comm,
                                                     const std::string& header_path,
                                                     const std::string& raw_path);

// A NumPy .npy file (header parsed on every rank, blocks read with pread).
// Collective over `comm`.
std::unique_ptr<MatrixSource::Impl> open_npy_source(MPI_Comm comm, const std::string& path);

}  // namespace gridnmf::io

namespace gridnmf::io {

// Replaces `text` on every rank of `comm` by rank 0's. Collective over `comm`.
void broadcast_from_root(MPI_Comm comm, std::string& text);

}  // namespace gridnmf::io
