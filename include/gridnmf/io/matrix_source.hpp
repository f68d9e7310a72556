#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gridnmf/io/matrix_reader.hpp"
#include "gridnmf/io/sparse_reader.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::io {

// What an input may say besides V; every field is optional (empty or 0).
// Replicated: the same on every rank.
struct SourceMetadata {
  std::vector<double> wavelengths;  // one per row (band) of V
  std::string wavelength_units;
  std::int64_t image_rows = 0;  // pixel j is image row j % image_rows,
  std::int64_t image_cols = 0;  // column j / image_rows (column-major)
  std::vector<std::string> endmember_names;
  // The input's reference spectra (/W_true, bands x endmembers) when it has
  // them with one column per endmember name: unmix names W's columns by them.
  LocalMatrix<double> reference_spectra;
  std::vector<std::string> band_names;
  std::optional<double> data_ignore_value;  // ENVI: such values read as 0
  std::vector<std::string> row_names;  // one per row of V (genes, words), when the input has them
  std::vector<std::string> col_names;  // one per column (cells, documents)
  // What was found but left out (names that do not match the shape), one
  // line each, for the run to print.
  std::vector<std::string> notes;
};

// The input matrix V of a run, from an HDF5 file (a dense dataset `dataset`,
// or a sparse CSR/CSC group: gridnmf/scipy, 10x Genomics, AnnData; see
// sparse_layout.hpp) or an ENVI image (header .hdr plus raw file; rows =
// bands, columns = pixels in column-major image order). V is the stored
// matrix, or its transpose when the input stores samples x features (AnnData)
// or --transpose says so (both: stored as is). Holds `comm` borrowed: it must
// outlive the source.
class MatrixSource {
 public:
  // Opens `path`: ENVI when it ends in .hdr, starts with "ENVI", or has a
  // header beside it (PATH.hdr or BASE.hdr); otherwise HDF5. Checks the shape
  // and reads the metadata. Collective over `comm`; throws the same Error on
  // every rank (one line naming the file and the problem).
  static MatrixSource open(MPI_Comm comm, const std::string& path, const std::string& dataset,
                           bool transpose = false);

  MatrixSource(MatrixSource&&) noexcept;
  MatrixSource& operator=(MatrixSource&&) noexcept;
  ~MatrixSource();

  // The shape of V (after any transposition).
  MatrixShape shape() const;
  // True when V is stored sparse; then read_sparse_block, not read_block.
  bool is_sparse() const;
  // Entries a sparse input stores (0 for dense input).
  std::int64_t stored_nonzeros() const;
  // True when V is the transpose of the stored matrix.
  bool transposed() const;
  // True when the input's own image shape (its rows x cols attributes) counts
  // the rows of V, not its columns: a scene stored pixels x bands, which
  // needs --transpose. Replicated.
  bool pixels_along_rows() const;
  // "dense float64", "sparse CSR int64, 353160 nonzeros", "10x Genomics CSC ...".
  std::string kind() const;
  const SourceMetadata& metadata() const;
  // "hdf5" or "envi".
  std::string format() const;
  // For messages: "FILE:/DATASET" or "FILE (ENVI, bsq uint16, raw RAW)".
  std::string description() const;
  // The stored element type: uint8, int8, int16, uint16, int32, uint32, int64,
  // uint64, float32 or float64.
  std::string stored_type() const;
  // The files this source reads (the HDF5 file; the ENVI header and raw file).
  std::vector<std::string> files() const;

  // Reads rows x cols of V into a row-major block converted to T; every rank
  // reads only its own block. Collective over the `comm` given to open().
  template <typename T>
  LocalMatrix<T> read_block(const IndexRange& rows, const IndexRange& cols);

  // Reads this rank's CSR block of a sparse V, entries moved to their owners
  // as io::read_sparse_block describes (`target.transpose` is set here).
  // `report` is filled on every rank. Collective over the `comm` of open().
  template <typename T>
  SparseBlock<T> read_sparse_block(SparseTarget target, SparseReadReport& report);

  // Values replaced by 0 because they equal the ENVI data ignore value, summed
  // over all ranks for the blocks read so far (0 for HDF5). Replicated.
  std::int64_t ignored_values() const;

  // Releases the file (collective over `comm` for HDF5).
  void close();

  // One implementation per format (src/io/*_source.cpp).
  class Impl;

 private:
  MatrixSource(std::unique_ptr<Impl> impl, bool transpose);
  std::unique_ptr<Impl> impl_;
  bool transpose_ = false;
  bool stored_pixels_as_rows_ = false;
  SourceMetadata metadata_;  // the impl's, with names swapped when transposed
};

}  // namespace gridnmf::io
