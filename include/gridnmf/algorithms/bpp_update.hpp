#pragma once

#include <vector>

#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/local/nnls_bpp.hpp"

namespace gridnmf {

// Alternating non-negative least squares: each half solves its NNLS problem
// exactly with block principal pivoting (Kim & Park), warm-started from the
// current factor, which after a few iterations leaves one pivoting round.
template <typename T>
class BppUpdate final : public UpdateRule<T> {
 public:
  void update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross, const LocalMatrix<T>& gram,
              const Penalty& penalty) override;

 private:
  std::unique_ptr<local::BppSolver<T>> solver_;  // sized on first use: k is known then
  std::vector<T> penalized_gram_;   // G + l2 I
  std::vector<T> penalized_cross_;  // C - l1, only when l1 > 0
};

}  // namespace gridnmf
