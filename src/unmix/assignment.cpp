#include "gridnmf/unmix/assignment.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "gridnmf/error.hpp"

namespace gridnmf::unmix {

std::vector<int> solve_assignment(const std::vector<double>& cost, int n) {
  if (n < 0 || cost.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(n)) {
    throw Error("assignment: cost matrix is not " + std::to_string(n) + " x " + std::to_string(n));
  }
  for (double c : cost) {
    if (!std::isfinite(c)) throw Error("assignment: cost matrix has a non-finite entry");
  }
  const double infinity = std::numeric_limits<double>::infinity();
  // 1-based arrays; index 0 is the virtual row/column of the shortest-path
  // formulation. u, v are the row and column potentials; matched_row[j] is the
  // row currently holding column j.
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<int> matched_row(n + 1, 0), previous(n + 1, 0);
  auto at = [&](int i, int j) { return cost[static_cast<std::size_t>(i - 1) * n + (j - 1)]; };
  for (int row = 1; row <= n; ++row) {
    // Grow an alternating tree from `row` until it reaches a free column,
    // along reduced costs (Dijkstra with potentials).
    matched_row[0] = row;
    int column = 0;
    std::vector<double> slack(n + 1, infinity);
    std::vector<bool> used(n + 1, false);
    do {
      used[column] = true;
      const int i = matched_row[column];
      double delta = infinity;
      int next = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = at(i, j) - u[i] - v[j];
        if (reduced < slack[j]) {
          slack[j] = reduced;
          previous[j] = column;
        }
        if (slack[j] < delta) {
          delta = slack[j];
          next = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[matched_row[j]] += delta;
          v[j] -= delta;
        } else {
          slack[j] -= delta;
        }
      }
      column = next;
    } while (matched_row[column] != 0);
    // Flip the augmenting path.
    do {
      const int before = previous[column];
      matched_row[column] = matched_row[before];
      column = before;
    } while (column != 0);
  }
  std::vector<int> assignment(n, -1);
  for (int j = 1; j <= n; ++j) assignment[matched_row[j] - 1] = j - 1;
  return assignment;
}

}  // namespace gridnmf::unmix
