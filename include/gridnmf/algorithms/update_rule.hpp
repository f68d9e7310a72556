#pragma once

#include <memory>

#include "gridnmf/algorithms/algorithm.hpp"
#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// Updates the factor rows a rank owns (W rows, or H columns stored as rows)
// for the Frobenius loss from the cross product with V and the Gram matrix of
// the other factor. Local: no communication.
template <typename T>
class UpdateRule {
 public:
  virtual ~UpdateRule() = default;
  // factor: owned rows x k; cross: the matching rows of V H^T (or V^T W);
  // gram: k x k Gram matrix of the other factor, replicated; penalty: this
  // factor's l1/l2 terms.
  virtual void update(LocalMatrix<T>& factor, const LocalMatrix<T>& cross,
                      const LocalMatrix<T>& gram, const Penalty& penalty) = 0;
};

// The update rule for `algorithm`.
template <typename T>
std::unique_ptr<UpdateRule<T>> make_update_rule(Algorithm algorithm);

}  // namespace gridnmf
