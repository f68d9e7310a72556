#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "gridnmf/matrix/local_matrix.hpp"

#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::io {

// The finished cells of a rank sweep (`gridnmf select-rank`), one small HDF5
// file per (k, replicate) in a directory: k<K>_r<R>.h5 holding /W (m x k,
// float64, the input's row order), /matched_cosine (one value per earlier
// replicate of the same k; absent for replicate 0) and the root attributes
// k, replicate, train_error, heldout_error, objective, iterations and
// fingerprint (the options that make cells comparable). Each file is written
// under a temporary name and renamed, so a killed sweep leaves only whole
// cells, and the ks of a Slurm job array can share one directory. Local
// (serial HDF5): one rank writes; read() needs no W, for_each_w_row streams
// it in bounded pieces.
class SweepCells {
 public:
  explicit SweepCells(std::string directory);

  // Creates the directory (and parents) when absent; throws Error naming it.
  void create_directory() const;
  std::string path_of(std::int64_t k, int replicate) const;
  bool has(std::int64_t k, int replicate) const;
  // w: the cell's whole W (m x k, the input's row order).
  void write(const selection::SweepCell& cell, const LocalMatrix<double>& w,
             const std::string& fingerprint) const;
  // The cell's record without W. Throws UsageError when the cell was written
  // with another fingerprint.
  selection::SweepCell read(std::int64_t k, int replicate, const std::string& fingerprint) const;
  // Calls take(row, values) for every row of the cell's /W (k values, rows in
  // the input's order), reading a few thousand rows at a time.
  void for_each_w_row(std::int64_t k, int replicate,
                      const std::function<void(std::int64_t, const double*)>& take) const;

 private:
  std::string directory_;
};

}  // namespace gridnmf::io
