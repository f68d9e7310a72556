#include "gridnmf/local/sparse_products.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "gridnmf/local/beta_divergence.hpp"

namespace gridnmf::local {

namespace {

// out[0..k) += alpha * x[0..k); the loops the compiler vectorises.
template <typename T>
inline void add_scaled(T alpha, const T* __restrict x, std::int64_t k, T* __restrict out) {
  for (std::int64_t l = 0; l < k; ++l) out[l] += alpha * x[l];
}

template <typename T>
inline T dot_k(const T* __restrict x, const T* __restrict y, std::int64_t k) {
  T sum = T(0);
  for (std::int64_t l = 0; l < k; ++l) sum += x[l] * y[l];
  return sum;
}

// The KL quotient of one entry, with the sums of the objective.
template <typename T>
inline T kl_quotient(T v, T wh, SampledSums* sums) {
  const T floored = std::max(wh, beta_floor<T>());
  const T ratio = v / floored;
  if (sums) {
    sums->log_terms += static_cast<double>(v) * std::log(static_cast<double>(ratio)) - v;
    sums->cross_term += static_cast<double>(v) * wh;
  }
  return ratio;
}

// Entries ahead of the current one whose factor row is prefetched. Within a
// panel the rows an entry touches are scattered, so without it each entry
// waits for the cache level below.
constexpr std::int64_t kPrefetchDistance = 16;

constexpr std::int64_t kDefaultPanelBytes = std::int64_t{4} << 20;
constexpr std::int64_t kMinEntriesPerPanelRow = 4;

template <typename T>
inline void prefetch_row(const T* row, std::int64_t k) {
  const char* bytes = reinterpret_cast<const char*>(row);
  for (std::int64_t offset = 0; offset < k * static_cast<std::int64_t>(sizeof(T)); offset += 64) {
    __builtin_prefetch(bytes + offset);
  }
}

// Calls visit(r, e, ahead) for every entry e of row r, panel after panel;
// `ahead` is the column of the entry kPrefetchDistance further on (-1 past
// the end), whose factor row the visit prefetches.
template <typename T, typename Visit>
void for_each_entry(const SparseBlock<T>& a, Visit visit) {
  const std::int64_t panels = a.panels();
  const std::int64_t nonzeros = a.nonzeros();
  const std::int32_t* col = a.col_index.data();
  for (std::int64_t p = 0; p < panels; ++p) {
    const std::int64_t* start = a.row_start.data() + p * a.rows;
    for (std::int64_t r = 0; r < a.rows; ++r) {
      for (std::int64_t e = start[r]; e < start[r + 1]; ++e) {
        visit(r, e, e + kPrefetchDistance < nonzeros ? col[e + kPrefetchDistance] : -1);
      }
    }
  }
}

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

template <typename T>
void sparse_times(const SparseBlock<T>& a, const T* y, std::int64_t k, T* out) {
  std::fill(out, out + a.rows * k, T(0));
  const std::int32_t* col = a.col_index.data();
  for_each_entry(a, [&](std::int64_t r, std::int64_t e, std::int64_t ahead) {
    if (ahead >= 0) prefetch_row(y + ahead * k, k);
    add_scaled(a.values[e], y + static_cast<std::int64_t>(col[e]) * k, k, out + r * k);
  });
}

template <typename T>
void sparse_transposed_times(const SparseBlock<T>& a, const T* x, std::int64_t k, T* out) {
  std::fill(out, out + a.cols * k, T(0));
  const std::int32_t* col = a.col_index.data();
  for_each_entry(a, [&](std::int64_t r, std::int64_t e, std::int64_t ahead) {
    if (ahead >= 0) prefetch_row(out + ahead * k, k);
    add_scaled(a.values[e], x + r * k, k, out + static_cast<std::int64_t>(col[e]) * k);
  });
}

template <typename T>
void kl_numerator_h_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  std::fill(numer, numer + a.cols * k, T(0));
  const std::int32_t* col = a.col_index.data();
  for_each_entry(a, [&](std::int64_t r, std::int64_t e, std::int64_t ahead) {
    if (ahead >= 0) {
      prefetch_row(ht + ahead * k, k);
      prefetch_row(numer + ahead * k, k);
    }
    const std::int64_t c = col[e];
    const T* w_row = w + r * k;
    const T q = kl_quotient(a.values[e], dot_k(w_row, ht + c * k, k), sums);
    add_scaled(q, w_row, k, numer + c * k);
  });
}

template <typename T>
void kl_numerator_w_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums) {
  std::fill(numer, numer + a.rows * k, T(0));
  const std::int32_t* col = a.col_index.data();
  for_each_entry(a, [&](std::int64_t r, std::int64_t e, std::int64_t ahead) {
    if (ahead >= 0) prefetch_row(ht + ahead * k, k);
    const T* ht_row = ht + static_cast<std::int64_t>(col[e]) * k;
    const T q = kl_quotient(a.values[e], dot_k(w + r * k, ht_row, k), sums);
    add_scaled(q, ht_row, k, numer + r * k);
  });
}

#define GRIDNMF_INSTANTIATE_SPARSE(T)                                                           \
  template void sparse_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*);           \
  template void sparse_transposed_times<T>(const SparseBlock<T>&, const T*, std::int64_t, T*); \
  template void kl_numerator_h_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);                                     \
  template void kl_numerator_w_side<T>(const SparseBlock<T>&, const T*, const T*, std::int64_t, \
                                       T*, SampledSums*);
GRIDNMF_INSTANTIATE_SPARSE(double)
GRIDNMF_INSTANTIATE_SPARSE(float)
#undef GRIDNMF_INSTANTIATE_SPARSE

}  // namespace gridnmf::local
