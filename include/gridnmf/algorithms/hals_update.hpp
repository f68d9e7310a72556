#pragma once

#include <vector>

#include "gridnmf/algorithms/update_rule.hpp"

namespace gridnmf {

// Hierarchical alternating least squares: one exact coordinate sweep over the
// k columns of the factor. Needs no communication beyond the standard Gram
// and cross-product collectives, since each owned row updates on its own.
template <typename T>
class HalsUpdate final : public UpdateRule<T> {
 public:
  void update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross, const LocalMatrix<T>& gram,
              const Penalty& penalty) override;

 private:
  std::vector<T> scratch_;  // the running negative gradient, reused across iterations
};

}  // namespace gridnmf
