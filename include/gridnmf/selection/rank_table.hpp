#pragma once

#include <cstdint>
#include <string>
#include <vector>


namespace gridnmf::selection {

// One finished (k, replicate) cell of a rank sweep.
struct SweepCell {
  std::int64_t k = 0;
  int replicate = 0;
  double train_error = 0.0;    // relative error on the observed (training) entries
  double heldout_error = 0.0;  // relative error on the held-out entries
  double objective = 0.0;
  int iterations = 0;
  // Mean matched cosine between this replicate's components and those of
  // each earlier replicate 0 .. replicate - 1 of the same k (matched_cosine),
  // so the stability of a k needs no W at table time.
  std::vector<double> matched_cosines;
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

// The mean cosine of the best one-to-one matching of two replicates' k
// components (the Hungarian method on the k x k cosine similarities,
// cosines[i * k + j] between component i of one and j of the other, as
// comm::column_cosines gives them). Local, no MPI.
double matched_cosine(const std::vector<double>& cosines, std::int64_t k);

// The rows of the table, one per k (ascending), from the cells of that k.
// Every k needs at least one cell. The stability of a k is the mean of the
// cells' matched cosines over all pairs of its replicates, in [0, 1] (1 with
// one replicate); throws std::invalid_argument when a cell lacks a pair.
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
