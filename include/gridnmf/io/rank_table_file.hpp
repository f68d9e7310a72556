#pragma once

#include <string>
#include <vector>

#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::io {

// What the select-rank table files hold besides the rows and cells.
struct RankTableRecord {
  int replicates = 0;
  double min_stability = 0.0;
  double holdout = 0.0;
  std::string options;  // the cells' fingerprint
  selection::Recommendation recommendation;
};

// Writes the select-rank table as HDF5 (`h5_path`: one dataset per column,
// the per-replicate errors and iterations as ks x replicates matrices, the
// rule and settings as root attributes) and as CSV (`csv_path`: one row per
// k). Each file goes to a temporary name and is renamed once complete; on a
// failure neither temporary is left behind and Error names the file. Local
// (serial HDF5): one rank calls it.
void write_rank_table(const std::string& h5_path, const std::string& csv_path,
                      const std::vector<selection::RankRow>& rows,
                      const std::vector<selection::SweepCell>& cells,
                      const RankTableRecord& record);

}  // namespace gridnmf::io
