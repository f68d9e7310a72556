#pragma once

#include <vector>

namespace gridnmf::unmix {

// Minimum-cost perfect matching of an n x n cost matrix (row-major,
// cost[i * n + j] = cost of giving row i column j), by the Hungarian method
// with potentials, O(n^3). Returns column[i] for each row i. Costs must be
// finite. Local, no MPI.
std::vector<int> solve_assignment(const std::vector<double>& cost, int n);

}  // namespace gridnmf::unmix
