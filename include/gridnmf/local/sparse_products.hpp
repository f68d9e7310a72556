#pragma once

#include <cstddef>
#include <cstdint>

#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::local {

// The products of a CSR block A (rows x cols, in column panels) with dense
// row-major factors of width k, in O(nnz k) flops and one pass over A: the
// sparse counterparts of CrossProducts. Row r of A meets row r of W_i and its
// columns meet rows of Ht_j, so every inner loop runs over k contiguous
// values. Entries are visited panel by panel, so the rows of the factor a
// panel touches at random stay in cache, and the rows a few entries ahead are
// prefetched.

// Columns per panel of a rows x cols block with about `nonzeros` entries, for
// factors of width k: the factor rows of one panel fill a 4 MiB budget (a
// rank's share of a last-level cache; GRIDNMF_SPMM_PANEL_BYTES overrides
// it), with at least 4 entries per row in a panel on average so the offsets
// stay small next to the entries. Deterministic.
std::int64_t sparse_panel_columns(std::int64_t rows, std::int64_t cols, std::int64_t nonzeros,
                                  std::int64_t k, std::size_t element_bytes);

// out (rows x k) = A y, with y (cols x k): a gather, row by row.
template <typename T>
void sparse_times(const SparseBlock<T>& a, const T* y, std::int64_t k, T* out);

// out (cols x k) = A^T x, with x (rows x k): a scatter of each row's
// multiple of x's row, so A need not be stored twice.
template <typename T>
void sparse_transposed_times(const SparseBlock<T>& a, const T* x, std::int64_t k, T* out);

// Sums of one Kullback-Leibler pass over the nonzeros, for the iterate
// (W_i, H_j) passed in.
struct SampledSums {
  double log_terms = 0.0;   // sum over nonzeros of v log(v / max(wh, floor)) - v
  double cross_term = 0.0;  // <V, WH> = sum over nonzeros of v wh
};

// KL multiplicative-update numerators at the nonzeros only (the sampled
// dense-dense product): q = v / max((W_i Ht_j^T)_rc, floor) for each stored
// entry (floor = beta_floor<T>()), then
//   h side: numer (cols x k) = Q^T W_i       (scatter, like sparse_transposed_times)
//   w side: numer (rows x k) = Q Ht_j        (gather, like sparse_times)
// Zeros of V contribute nothing to the numerators; the denominators are the
// factors' column sums. `sums` (may be null) receives the sums of this iterate.
template <typename T>
void kl_numerator_h_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums);
template <typename T>
void kl_numerator_w_side(const SparseBlock<T>& a, const T* w, const T* ht, std::int64_t k,
                         T* numer, SampledSums* sums);

// The unobserved entries of a masked block (missing or held out) listed
// along the lines of one half: line l's entries are [start[l], start[l + 1])
// of `index` (the other factor's row) and `values` (V there; -0.0 marks a
// missing entry, whose V counts as 0).
template <typename T>
struct UnobservedLines {
  std::int64_t lines = 0;
  const std::int64_t* start = nullptr;
  const std::int32_t* index = nullptr;
  const T* values = nullptr;
};

// What a masked half takes out again at the unobserved entries, from the
// sampled product p = own[l] . other[index] (y = max(p, floor)):
//   kFrobeniusMu: numer[l] -= v other[index], denom[l] -= p other[index]
//   kImputed:     numer[l] += (p - v) other[index]        (denom untouched)
//   kKullbackLeibler: numer[l] -= (v / y) other[index], denom[l] -= other[index]
enum class UnobservedCorrection { kFrobeniusMu, kImputed, kKullbackLeibler };

// Sums over the unobserved entries (missing ones count only in `model` and
// `squared_error`, where their V is 0).
struct UnobservedSums {
  double squared_error = 0.0;          // sum (v - p)^2
  double heldout_squared_error = 0.0;  // the same over the held-out entries
  double model = 0.0;                  // sum p
  double heldout_log_terms = 0.0;      // held out: sum v log(v / y) - v (0 log 0 = 0)
  double heldout_divergence = 0.0;     // held out: sum d_KL(v | y)
};

// One pass over the list, O(entries k), no scratch: numer and denom are
// (lines x k), own is (lines x k), other the factor the indices point into.
// `sums` may be null.
template <typename T>
void correct_unobserved(UnobservedCorrection kind, const UnobservedLines<T>& list, const T* own,
                        const T* other, std::int64_t k, T* numer, T* denom,
                        UnobservedSums* sums);

}  // namespace gridnmf::local
