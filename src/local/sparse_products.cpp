#include "gridnmf/local/sparse_products.hpp"

#include <algorithm>
#include <cstdlib>

#include "gridnmf/local/instruction_set.hpp"

namespace gridnmf::local {

// One declaration per instruction set (sparse_kernels.inc defines them).
#define GRIDNMF_DECLARE_SPARSE_KERNELS(isa)                                                   \
  namespace isa {                                                                           \
  template <typename T>                                                                     \
  void sparse_times(const SparseBlock<T>& a, const T* y, std::int64_t k, T* out);           \
  template <typename T>                                                                     \
  void sparse_transposed_times(const SparseBlock<T>& a, const T* x, std::int64_t k, T* out); \
  template <typename T>                                                                     \
  void kl_numerator_h_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k, \
                           T* numer, SampledSums* sums);                                    \
  template <typename T>                                                                     \
  void kl_numerator_w_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k, \
                           T* numer, SampledSums* sums);                                    \
  template <typename T>                                                                     \
  void correct_unobserved(UnobservedCorrection kind, const UnobservedLines<T>& list,        \
                          const T* own, const T* other, std::int64_t k, T* numer, T* denom, \
                          UnobservedSums* sums);                                            \
  }
GRIDNMF_DECLARE_SPARSE_KERNELS(generic)
#ifdef GRIDNMF_HASWELL_KERNELS
GRIDNMF_DECLARE_SPARSE_KERNELS(haswell)
#endif
#undef GRIDNMF_DECLARE_SPARSE_KERNELS

namespace {

constexpr std::int64_t kDefaultPanelBytes = std::int64_t{4} << 20;
constexpr std::int64_t kMinEntriesPerPanelRow = 4;

}  // namespace

std::int64_t sparse_panel_columns(std::int64_t rows, std::int64_t cols, std::int64_t nonzeros,
                                  std::int64_t k, std::size_t element_bytes) {
  // A fixed budget, not the cache size the system reports: virtual machines
  // report the host's whole L3, and a rank's real share of it on a full node
  // is a few MiB. GRIDNMF_SPMM_PANEL_BYTES overrides it for tuning.
  static const std::int64_t panel_bytes = [] {
    const char* text = std::getenv("GRIDNMF_SPMM_PANEL_BYTES");
    const std::int64_t bytes = text ? std::atoll(text) : 0;
    return bytes > 0 ? bytes : kDefaultPanelBytes;
  }();
  std::int64_t width =
      panel_bytes / std::max<std::int64_t>(1, k * static_cast<std::int64_t>(element_bytes));
  // Each panel costs 8 bytes per row of offsets and a pass over the rows:
  // keep at least kMinEntriesPerPanelRow entries per row in each panel.
  const std::int64_t most_panels =
      std::max<std::int64_t>(1, nonzeros / std::max<std::int64_t>(1, kMinEntriesPerPanelRow * rows));
  width = std::max(width, (cols + most_panels - 1) / most_panels);
  return std::max<std::int64_t>(1, std::min(cols, width));
}

#ifdef GRIDNMF_HASWELL_KERNELS
#define GRIDNMF_DISPATCH(kernel, ...) \
  (use_haswell_kernels() ? haswell::kernel(__VA_ARGS__) : generic::kernel(__VA_ARGS__))
#else
#define GRIDNMF_DISPATCH(kernel, ...) generic::kernel(__VA_ARGS__)
#endif

template <typename T>
void sparse_times(const SparseBlock<T>& a, const T* y, std::int64_t k, T* out) {
  GRIDNMF_DISPATCH(sparse_times, a, y, k, out);
}

template <typename T>
void sparse_transposed_times(const SparseBlock<T>& a, const T* x, std::int64_t k, T* out) {
  GRIDNMF_DISPATCH(sparse_transposed_times, a, x, k, out);
}

template <typename T>
void kl_numerator_h_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  GRIDNMF_DISPATCH(kl_numerator_h_side, a, w, ht, k, numer, sums);
}

template <typename T>
void kl_numerator_w_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  GRIDNMF_DISPATCH(kl_numerator_w_side, a, w, ht, k, numer, sums);
}

template <typename T>
void correct_unobserved(UnobservedCorrection kind, const UnobservedLines<T>& list, const T* own,
                        const T* other, std::int64_t k, T* numer, T* denom,
                        UnobservedSums* sums) {
  GRIDNMF_DISPATCH(correct_unobserved, kind, list, own, other, k, numer, denom, sums);
}
#undef GRIDNMF_DISPATCH

#define GRIDNMF_INSTANTIATE_SPARSE(T)                                                           \
  template void sparse_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*);           \
  template void sparse_transposed_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*); \
  template void kl_numerator_h_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);                                     \
  template void kl_numerator_w_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);                                     \
  template void correct_unobserved<T>(UnobservedCorrection, const UnobservedLines<T>&,        \
                                      const T*, const T*, std::int64_t, T*, T*, UnobservedSums*);
GRIDNMF_INSTANTIATE_SPARSE(double)
GRIDNMF_INSTANTIATE_SPARSE(float)
#undef GRIDNMF_INSTANTIATE_SPARSE

}  // namespace gridnmf::local
