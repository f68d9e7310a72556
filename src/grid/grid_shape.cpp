#include "gridnmf/grid/grid_shape.hpp"

#include <cctype>
#include <limits>

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string GridShape::to_string() const {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

GridShape parse_grid_shape(const std::string& text) {
  const auto bad = [&]() {
    return UsageError("--grid must look like PRxPC with positive integers (e.g. 2x2), got '" +
                      text + "'");
  };
  const auto x = text.find_first_of("xX");
  if (x == std::string::npos || x == 0 || x + 1 == text.size()) throw bad();
  const std::string left = text.substr(0, x);
  const std::string right = text.substr(x + 1);
  for (const std::string& part : {left, right}) {
    if (part.size() > 6) throw bad();
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) throw bad();
    }
  }
  GridShape shape{std::stoi(left), std::stoi(right)};
  if (shape.rows < 1 || shape.cols < 1) throw bad();
  return shape;
}

double words_per_iteration(std::int64_t m, std::int64_t n, GridShape shape) {
  return static_cast<double>(m) / shape.rows + static_cast<double>(n) / shape.cols;
}

GridShape choose_grid_shape(std::int64_t m, std::int64_t n, int ranks) {
  GridShape best{0, 0};
  double best_words = std::numeric_limits<double>::infinity();
  for (int pr = 1; pr <= ranks; ++pr) {
    if (ranks % pr != 0) continue;
    const GridShape shape{pr, ranks / pr};
    if (shape.rows > m || shape.cols > n) continue;
    const double words = words_per_iteration(m, n, shape);
    if (words < best_words) {
      best_words = words;
      best = shape;
    }
  }
  if (best.rows == 0) {
    throw UsageError("no process grid of " + std::to_string(ranks) + " ranks fits a " +
                     std::to_string(m) + " x " + std::to_string(n) +
                     " matrix; run with fewer ranks");
  }
  return best;
}

}  // namespace gridnmf
