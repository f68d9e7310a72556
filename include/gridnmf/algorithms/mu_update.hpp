#pragma once

#include <vector>

#include "gridnmf/algorithms/update_rule.hpp"

namespace gridnmf {

// Lee-Seung multiplicative update for the Frobenius loss.
template <typename T>
class MuUpdate final : public UpdateRule<T> {
 public:
  void update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross, const LocalMatrix<T>& gram,
              const Penalty& penalty) override;

 private:
  std::vector<T> scratch_;  // factor * gram, reused across iterations
};

}  // namespace gridnmf
