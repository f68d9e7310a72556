#include "gridnmf/selection/rank_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "gridnmf/unmix/assignment.hpp"

namespace gridnmf::selection {

namespace {

void mean_and_sd(const std::vector<double>& x, double& mean, double& sd) {
  mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double squares = 0.0;
  for (double v : x) squares += (v - mean) * (v - mean);
  sd = x.size() > 1 ? std::sqrt(squares / static_cast<double>(x.size() - 1)) : 0.0;
}

std::string number(const char* format, double value) {
  char text[40];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

}  // namespace

double matched_cosine(const std::vector<double>& cosines, std::int64_t k) {
  std::vector<double> cost(cosines.size());
  for (size_t i = 0; i < cosines.size(); ++i) cost[i] = -cosines[i];  // most similar = cheapest
  const std::vector<int> match = unmix::solve_assignment(cost, static_cast<int>(k));
  double sum = 0.0;
  for (std::int64_t i = 0; i < k; ++i) sum += cosines[i * k + match[i]];
  return sum / static_cast<double>(k);
}

std::vector<RankRow> summarize(const std::vector<SweepCell>& cells) {
  std::map<std::int64_t, std::vector<const SweepCell*>> by_k;
  for (const SweepCell& cell : cells) by_k[cell.k].push_back(&cell);
  std::vector<RankRow> rows;
  for (auto& [k, group] : by_k) {
    std::sort(group.begin(), group.end(),
              [](const SweepCell* a, const SweepCell* b) { return a->replicate < b->replicate; });
    RankRow row;
    row.k = k;
    row.replicates = static_cast<int>(group.size());
    std::vector<double> train, heldout;
    for (const SweepCell* cell : group) {
      train.push_back(cell->train_error);
      heldout.push_back(cell->heldout_error);
    }
    mean_and_sd(train, row.train_mean, row.train_sd);
    mean_and_sd(heldout, row.heldout_mean, row.heldout_sd);
    row.heldout_se = row.heldout_sd / std::sqrt(static_cast<double>(row.replicates));
    // Pairs (a, b), a < b, in order: cell b holds its cosine with a.
    double sum = 0.0;
    int pairs = 0;
    for (size_t a = 0; a < group.size(); ++a) {
      for (size_t b = a + 1; b < group.size(); ++b) {
        const std::vector<double>& cosines = group[b]->matched_cosines;
        const int earlier = group[a]->replicate;
        if (earlier < 0 || static_cast<size_t>(earlier) >= cosines.size()) {
          throw std::invalid_argument("summarize: the cell of k = " + std::to_string(k) +
                                      ", replicate " + std::to_string(group[b]->replicate) +
                                      " has no matched cosine with replicate " +
                                      std::to_string(earlier));
        }
        sum += cosines[static_cast<size_t>(earlier)];
        ++pairs;
      }
    }
    row.stability = pairs > 0 ? sum / pairs : 1.0;
    rows.push_back(row);
  }
  return rows;
}

Recommendation recommend_rank(const std::vector<RankRow>& rows, double min_stability) {
  if (rows.empty()) throw std::invalid_argument("recommend_rank: no rows");
  std::vector<const RankRow*> candidates;
  for (const RankRow& row : rows) {
    if (row.stability >= min_stability) candidates.push_back(&row);
  }
  const bool all_unstable = candidates.empty();
  if (all_unstable) {
    for (const RankRow& row : rows) candidates.push_back(&row);
  }
  const RankRow* best = candidates.front();
  for (const RankRow* row : candidates) {
    if (row->heldout_mean < best->heldout_mean) best = row;
  }
  const double threshold = best->heldout_mean + best->heldout_se;
  const RankRow* chosen = best;
  for (const RankRow* row : candidates) {  // ascending k: the first within reach
    if (row->heldout_mean <= threshold) {
      chosen = row;
      break;
    }
  }
  Recommendation out;
  out.k = chosen->k;
  out.rule = "recommended k = " + std::to_string(chosen->k) +
             ": the smallest k whose mean held-out error is within one standard error of the "
             "lowest (k = " + std::to_string(best->k) + ", " +
             number("%.4e", best->heldout_mean) + " + " + number("%.2e", best->heldout_se) +
             ")" +
             (all_unstable ? ", no k reached stability " + number("%.2f", min_stability) +
                                 " so all ks were considered"
                           : ", among the ks with stability >= " + number("%.2f", min_stability));
  return out;
}

}  // namespace gridnmf::selection
