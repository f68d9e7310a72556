#pragma once

#include <cstdint>
#include <optional>

#include "gridnmf/local/cross_products.hpp"
#include "gridnmf/matrix/data_block.hpp"

namespace gridnmf::local {

// The two products with this rank's V block that every algorithm and start
// needs, whatever the block's storage: GEMM (CrossProducts) for a dense
// block, SpMM (sparse_products.hpp) for a sparse one. Keeps a reference to
// the block, which must outlive it.
template <typename T>
class BlockProducts {
 public:
  BlockProducts(const DataBlock<T>& v, std::int64_t k);

  // out (cols x k) = V^T x, with x (rows x k).
  void transposed_v_times(const T* x, T* out);
  // out (rows x k) = V y, with y (cols x k).
  void v_times(const T* y, T* out);

 private:
  const DataBlock<T>& v_;
  std::int64_t k_;
  std::optional<CrossProducts<T>> dense_;
};

}  // namespace gridnmf::local
