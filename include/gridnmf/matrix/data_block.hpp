#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "gridnmf/matrix/local_matrix.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf {

// This rank's block V_ij of the input, dense or sparse. The driver and the
// starts are written once against it; only the local products look inside
// (local/block_products.hpp). Move-only, so V is never copied by accident.
template <typename T>
class DataBlock {
 public:
  explicit DataBlock(LocalMatrix<T> dense) : sparse_input_(false), dense_(std::move(dense)) {}
  explicit DataBlock(SparseBlock<T> sparse)
      : sparse_input_(true), sparse_(std::move(sparse)) {}
  DataBlock(DataBlock&&) noexcept = default;
  DataBlock& operator=(DataBlock&&) noexcept = default;
  DataBlock(const DataBlock&) = delete;
  DataBlock& operator=(const DataBlock&) = delete;

  bool is_sparse() const { return sparse_input_; }
  std::int64_t rows() const { return sparse_input_ ? sparse_.rows : dense_.rows; }
  std::int64_t cols() const { return sparse_input_ ? sparse_.cols : dense_.cols; }
  // The stored values (all entries when dense, the nonzeros when sparse).
  const std::vector<T>& stored_values() const {
    return sparse_input_ ? sparse_.values : dense_.values;
  }

  // Every stored value times 2^exponent (exact, see algorithms/data_scale.hpp).
  void scale_by_power_of_two(int exponent) {
    if (exponent == 0) return;
    for (T& value : sparse_input_ ? sparse_.values : dense_.values) {
      value = std::ldexp(value, exponent);
    }
  }

  const LocalMatrix<T>& dense() const {
    if (sparse_input_) throw std::logic_error("dense() called on a sparse block");
    return dense_;
  }
  const SparseBlock<T>& sparse() const {
    if (!sparse_input_) throw std::logic_error("sparse() called on a dense block");
    return sparse_;
  }
  // Write access for preprocessing in place right after the read
  // (comm/block_normalization.hpp); nothing else changes V.
  LocalMatrix<T>& mutable_dense() {
    if (sparse_input_) throw std::logic_error("mutable_dense() called on a sparse block");
    return dense_;
  }
  SparseBlock<T>& mutable_sparse() {
    if (!sparse_input_) throw std::logic_error("mutable_sparse() called on a dense block");
    return sparse_;
  }

 private:
  bool sparse_input_;
  LocalMatrix<T> dense_;
  SparseBlock<T> sparse_;
};

}  // namespace gridnmf
