#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::selection {

// One finished (k, replicate) cell of a rank sweep.
struct SweepCell {
  std::int64_t k = 0;
  int replicate = 0;
  double train_error = 0.0;    // relative error on the observed (training) entries
  double heldout_error = 0.0;  // relative error on the held-out entries
  double objective = 0.0;
  int iterations = 0;
  LocalMatrix<double> w;  // m x k, the input's row order
};

// The summary of one k over its replicates.
struct RankRow {
  std::int64_t k = 0;
  int replicates = 0;
  double train_mean = 0.0, train_sd = 0.0;
  double heldout_mean = 0.0, heldout_sd = 0.0;
  double heldout_se = 0.0;  // standard error of heldout_mean: sd / sqrt(replicates)
  double stability = 1.0;   // mean matched cosine similarity (1 with one replicate)
};

// Stability of the components over replicates: for every pair of replicates,
// the columns of the two W (scaled to unit length) are matched one to one by
// the Hungarian method to maximise the summed cosine similarity; the result
// is the mean matched cosine over all columns and pairs, in [0, 1]. 1 with
// fewer than two replicates. Local, no MPI.
double matched_cosine_stability(const std::vector<const LocalMatrix<double>*>& ws);

// The rows of the table, one per k (ascending), from the cells of that k.
// Every k needs at least one cell.
std::vector<RankRow> summarize(const std::vector<SweepCell>& cells);

// The recommended k and the rule that chose it, in one printable line:
// among the ks whose stability is at least min_stability (all ks when none
// is), the smallest whose mean held-out error is within one standard error
// of the lowest mean held-out error (that k's standard error).
struct Recommendation {
  std::int64_t k = 0;
  std::string rule;
};
Recommendation recommend_rank(const std::vector<RankRow>& rows, double min_stability);

}  // namespace gridnmf::selection
