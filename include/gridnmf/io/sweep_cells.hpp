#pragma once

#include <cstdint>
#include <string>

#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::io {

// The finished cells of a rank sweep (`gridnmf select-rank`), one small HDF5
// file per (k, replicate) in a directory: k<K>_r<R>.h5 holding /W (m x k,
// float64, the input's row order) and the root attributes k, replicate,
// train_error, heldout_error, objective, iterations and fingerprint (the
// options that make cells comparable). Each file is written under a
// temporary name and renamed, so a killed sweep leaves only whole cells, and
// the ks of a Slurm job array can share one directory. Local (serial HDF5):
// one rank calls it.
class SweepCells {
 public:
  explicit SweepCells(std::string directory);

  // Creates the directory (and parents) when absent; throws Error naming it.
  void create_directory() const;
  std::string path_of(std::int64_t k, int replicate) const;
  bool has(std::int64_t k, int replicate) const;
  void write(const selection::SweepCell& cell, const std::string& fingerprint) const;
  // Throws UsageError when the cell was written with another fingerprint.
  selection::SweepCell read(std::int64_t k, int replicate, const std::string& fingerprint) const;

 private:
  std::string directory_;
};

}  // namespace gridnmf::io
