#include "gridnmf/generate/synthetic_matrix.hpp"

#include <algorithm>

#include "gridnmf/init/counter_random.hpp"

namespace gridnmf {


LocalMatrix<double> true_w_rows(const SyntheticProblem& problem, const IndexRange& rows) {
  return uniform_rows<double>(rows, problem.rank, problem.seed, RandomStream::kTrueW, 1.0);
}

LocalMatrix<double> true_ht_cols(const SyntheticProblem& problem, const IndexRange& cols) {
  return uniform_rows<double>(cols, problem.rank, problem.seed, RandomStream::kTrueH, 1.0);
}

template <typename T>
LocalMatrix<T> synthetic_block(const SyntheticProblem& problem, const IndexRange& rows,
                               const IndexRange& cols) {
  const LocalMatrix<double> w = true_w_rows(problem, rows);
  const LocalMatrix<double> ht = true_ht_cols(problem, cols);
  const std::int64_t k = problem.rank;
  LocalMatrix<T> block(rows.size, cols.size);
  for (std::int64_t r = 0; r < rows.size; ++r) {
    const auto global_row = static_cast<std::uint64_t>(rows.begin + r);
    for (std::int64_t c = 0; c < cols.size; ++c) {
      double value = 0.0;
      for (std::int64_t l = 0; l < k; ++l) value += w(r, l) * ht(c, l);
      if (problem.noise > 0.0) {
        const std::uint64_t index =
            global_row * static_cast<std::uint64_t>(problem.cols) + (cols.begin + c);
        value += problem.noise * random_normal(problem.seed, RandomStream::kNoise, index);
      }
      block(r, c) = static_cast<T>(std::max(value, 0.0));
    }
  }
  return block;
}

template LocalMatrix<double> synthetic_block<double>(const SyntheticProblem&, const IndexRange&,
                                                     const IndexRange&);
template LocalMatrix<float> synthetic_block<float>(const SyntheticProblem&, const IndexRange&,
                                                   const IndexRange&);

}  // namespace gridnmf
