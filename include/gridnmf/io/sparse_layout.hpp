#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>

namespace gridnmf::io {

// How a sparse matrix is stored in an HDF5 group holding `data`, `indices`
// and `indptr` (the layout of scipy, gridnmf convert, 10x Genomics and
// AnnData). Replicated: every rank inspects the same file.
struct SparseLayout {
  std::string group;       // path of the group inside the file
  std::string flavour;     // for the first line: "CSR", "10x Genomics CSC", "AnnData CSR"
  bool row_major = true;   // CSR: indptr runs over the stored rows; CSC over columns
  std::int64_t rows = 0;   // as stored
  std::int64_t cols = 0;
  std::int64_t nonzeros = 0;
  std::string value_type;  // stored type of `data`: int32, float64, ...
  std::string row_names;   // dataset paths of the stored rows' / columns' names, "" if none
  std::string col_names;
  bool samples_by_features = false;  // AnnData stores cells x genes

  std::int64_t major_count() const { return row_major ? rows : cols; }
  std::int64_t minor_count() const { return row_major ? cols : rows; }
};

// The sparse matrix at `name` in `file`: nullopt when `name` is a dataset
// (a dense matrix). When `name` is "V" (the default) and absent, the
// well-known groups are tried: /matrix (10x Genomics v3), /X (AnnData) and a
// single root group holding data/indices/indptr (10x Genomics v2). Throws
// Error with one line naming `path` and what is wrong (missing dataset,
// lengths that disagree with the shape, no nonzeros, unknown orientation).
// Local: call it on every rank inside an agreement.
std::optional<SparseLayout> find_sparse_layout(hid_t file, const std::string& path,
                                               const std::string& name);

}  // namespace gridnmf::io
