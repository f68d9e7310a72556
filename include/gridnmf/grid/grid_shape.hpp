#pragma once

#include <cstdint>
#include <string>

namespace gridnmf {

// The pr x pc shape of a process grid.
struct GridShape {
  int rows = 1;
  int cols = 1;
  int size() const { return rows * cols; }
  std::string to_string() const;  // "PRxPC"
};

// Parses "PRxPC" (e.g. "2x3"); throws UsageError naming the text otherwise.
GridShape parse_grid_shape(const std::string& text);

// Words moved per iteration per rank by the alternating update (DESIGN.md 1),
// up to the factor k: m/pr + n/pc. Used to pick the default grid.
double words_per_iteration(std::int64_t m, std::int64_t n, GridShape shape);

// The pr x pc = ranks factorization with pr <= m, pc <= n that minimises
// words_per_iteration; ties go to fewer grid rows. Throws UsageError if none fits.
GridShape choose_grid_shape(std::int64_t m, std::int64_t n, int ranks);

}  // namespace gridnmf
