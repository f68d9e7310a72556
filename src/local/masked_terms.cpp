#include "gridnmf/local/masked_terms.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/cross_products.hpp"
#include "gridnmf/local/sparse_products.hpp"

namespace gridnmf::local {

namespace {

// d_KL(v | y) with y already floored; 0 log 0 = 0.
double kl_entry(double v, double y) { return (v > 0.0 ? v * std::log(v / y) : 0.0) - v + y; }

}  // namespace

template <typename T>
MaskedTerms<T>::MaskedTerms(MaskedScheme scheme, const T* v, std::int64_t rows,
                            std::int64_t cols, std::int64_t k,
                            const std::vector<std::int64_t>& row_ids,
                            const std::vector<std::int64_t>& col_ids, const HoldoutMask& holdout)
    : scheme_(scheme), sampled_(scheme != MaskedScheme::kKullbackLeiblerMu), v_(v), rows_(rows),
      cols_(cols), k_(k), holdout_(holdout) {
  if (holdout_.active()) {
    row_keys_.resize(static_cast<size_t>(rows_));
    col_keys_.resize(static_cast<size_t>(cols_));
    for (std::int64_t r = 0; r < rows_; ++r) row_keys_[r] = holdout_.row_key(row_ids[r]);
    for (std::int64_t c = 0; c < cols_; ++c) col_keys_[c] = HoldoutMask::col_key(col_ids[c]);
  }
  // The same tile shape as the beta-divergence terms: square-ish, in cache.
  const std::int64_t long_side =
      std::max<std::int64_t>(256, kTileEntries / std::max<std::int64_t>(cols_, 1));
  tile_rows_ = std::max<std::int64_t>(1, std::min(rows_, long_side));
  tile_cols_ = std::max<std::int64_t>(1, std::min(cols_, kTileEntries / tile_rows_));
  if (sampled()) {
    if (cols_ > std::numeric_limits<std::int32_t>::max()) {
      throw std::length_error("a masked block has more than 2^31 columns; use more ranks");
    }
    unobserved_rows_.assign(static_cast<size_t>(rows_ + 1), 0);
    gram_.resize(static_cast<size_t>(k_ * k_));
    gram_other_.resize(gram_.size());
    // The GEMM shape the unmasked driver uses on this machine.
    dense_products_.emplace(preferred_product_layout(), rows_, cols_, k_);
  } else {
    tile_.resize(static_cast<size_t>(tile_rows_ * tile_cols_));
    if (forms_denominator()) denom_tile_.resize(tile_.size());
  }

  // V and the mask are fixed: count (and list) once.
  const bool holdout_on = holdout_.active();
  for (std::int64_t r = 0; r < rows_; ++r) {
    for (std::int64_t c = 0; c < cols_; ++c) {
      const T value = v_[r * cols_ + c];
      const double square = static_cast<double>(value) * value;
      block_sum_of_squares_ += square;
      bool observed = false;
      if (is_missing(value)) {
        counts_.missing += 1.0;
      } else if (holdout_on && holdout_.hides_keys(row_keys_[r], col_keys_[c])) {
        counts_.heldout += 1.0;
        counts_.heldout_sum_of_squares += square;
      } else {
        observed = true;
        counts_.observed += 1.0;
        counts_.observed_sum_of_squares += square;
      }
      if (!observed && sampled()) {
        // Its value too: the corrections never read V, whose unobserved
        // entries are scattered over the whole block.
        unobserved_cols_.push_back(static_cast<std::int32_t>(c));
        unobserved_values_.push_back(value);
      }
    }
    if (sampled()) unobserved_rows_[r + 1] = static_cast<std::int64_t>(unobserved_cols_.size());
  }
  if (sampled()) build_column_list();
}

// The same unobserved entries by column (CSC), for the H half.
template <typename T>
void MaskedTerms<T>::build_column_list() {
  if (rows_ > std::numeric_limits<std::int32_t>::max()) {
    throw std::length_error("a masked block has more than 2^31 rows; use more ranks");
  }
  unobserved_col_start_.assign(static_cast<size_t>(cols_ + 1), 0);
  for (const std::int32_t c : unobserved_cols_) ++unobserved_col_start_[c + 1];
  for (std::int64_t c = 0; c < cols_; ++c) unobserved_col_start_[c + 1] += unobserved_col_start_[c];
  unobserved_row_index_.resize(unobserved_cols_.size());
  unobserved_col_values_.resize(unobserved_cols_.size());
  std::vector<std::int64_t> next(unobserved_col_start_.begin(), unobserved_col_start_.end() - 1);
  for (std::int64_t r = 0; r < rows_; ++r) {
    for (std::int64_t e = unobserved_rows_[r]; e < unobserved_rows_[r + 1]; ++e) {
      const std::int64_t at = next[unobserved_cols_[e]]++;
      unobserved_row_index_[at] = static_cast<std::int32_t>(r);
      unobserved_col_values_[at] = unobserved_values_[e];
    }
  }
}

template <typename T>
MaskedTerms<T>::MaskedTerms(MaskedScheme scheme, const SparseBlock<T>& v, std::int64_t k,
                            const std::vector<std::int64_t>& row_ids,
                            const std::vector<std::int64_t>& col_ids, const HoldoutMask& holdout)
    : scheme_(scheme), sampled_(true), v_(nullptr), rows_(v.rows), cols_(v.cols), k_(k),
      holdout_(holdout), tile_rows_(0), tile_cols_(0), sparse_(&v) {
  row_keys_.resize(static_cast<size_t>(rows_));
  col_keys_.resize(static_cast<size_t>(cols_));
  for (std::int64_t r = 0; r < rows_; ++r) row_keys_[r] = holdout_.row_key(row_ids[r]);
  for (std::int64_t c = 0; c < cols_; ++c) col_keys_[c] = HoldoutMask::col_key(col_ids[c]);
  gram_.resize(static_cast<size_t>(k_ * k_));
  gram_other_.resize(gram_.size());
  column_sum_.resize(static_cast<size_t>(k_));
  other_sum_.resize(static_cast<size_t>(k_));
  heldout_per_row_.assign(static_cast<size_t>(rows_), 0);
  pending_.resize(static_cast<size_t>(rows_));
  double sum_of_squares = 0.0;
  for (std::int64_t p = 0; p < v.panels(); ++p) {
    for (std::int64_t r = 0; r < rows_; ++r) {
      for (std::int64_t e = v.row_start[p * rows_ + r]; e < v.row_start[p * rows_ + r + 1]; ++e) {
        const std::int32_t c = v.col_index[e];
        const T value = v.values[e];
        const double square = static_cast<double>(value) * value;
        sum_of_squares += square;
        if (is_missing(value)) {  // a --missing-pattern entry, 0 in the products
          pending_[r].push_back({c, value});
          counts_.missing += 1.0;
        } else if (holdout_.active() && holdout_.hides_keys(row_keys_[r], col_keys_[c])) {
          pending_[r].push_back({c, value});
          ++heldout_per_row_[r];
          counts_.heldout += 1.0;
          counts_.heldout_sum_of_squares += square;
        }
      }
    }
  }
  block_sum_of_squares_ = sum_of_squares;
  counts_.observed_sum_of_squares = sum_of_squares - counts_.heldout_sum_of_squares;
}

template <typename T>
bool MaskedTerms<T>::stored_nonzero(std::int64_t r, std::int64_t c) const {
  const SparseBlock<T>& v = *sparse_;
  const std::int64_t p = v.panel_cols > 0 ? c / v.panel_cols : 0;
  const std::int32_t* first = v.col_index.data() + v.row_start[p * rows_ + r];
  const std::int32_t* last = v.col_index.data() + v.row_start[p * rows_ + r + 1];
  return std::binary_search(first, last, static_cast<std::int32_t>(c));
}

template <typename T>
void MaskedTerms<T>::add_heldout_zeros(const std::vector<std::int64_t>& row_totals,
                                       std::int64_t n,
                                       const std::function<std::int64_t(std::int64_t)>& local_col) {
  unobserved_rows_.assign(static_cast<size_t>(rows_ + 1), 0);
  for (std::int64_t r = 0; r < rows_; ++r) {
    std::vector<std::pair<std::int32_t, T>>& row = pending_[r];
    const std::size_t nonzeros_held = row.size();
    for (std::int64_t t = 0; t < row_totals[r]; ++t) {
      const std::int64_t c = local_col(zero_candidate(static_cast<std::int64_t>(row_keys_[r]), t, n));
      if (c < 0 || stored_nonzero(r, c)) continue;
      row.push_back({static_cast<std::int32_t>(c), T(0)});
    }
    // Repeated candidates count once.
    std::sort(row.begin() + static_cast<std::ptrdiff_t>(nonzeros_held), row.end());
    row.erase(std::unique(row.begin() + static_cast<std::ptrdiff_t>(nonzeros_held), row.end()),
              row.end());
    counts_.heldout += static_cast<double>(row.size() - nonzeros_held);
    for (const auto& [c, value] : row) {
      unobserved_cols_.push_back(c);
      unobserved_values_.push_back(value);
    }
    unobserved_rows_[r + 1] = static_cast<std::int64_t>(unobserved_cols_.size());
  }
  pending_.clear();
  build_column_list();
  counts_.observed = static_cast<double>(rows_) * static_cast<double>(cols_) - counts_.heldout -
                     counts_.missing;
}

template <typename T>
MaskedSums MaskedTerms<T>::h_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums) {
  return run(true, w, ht, numer, denom, with_sums);
}

template <typename T>
MaskedSums MaskedTerms<T>::w_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums) {
  return run(false, w, ht, numer, denom, with_sums);
}

// Overwrites the P tile with the numerator factor and fills the denominator
// factor; the mask is decided entry by entry from the sign bit and the keys.
template <typename T>
MaskedSums MaskedTerms<T>::transform_tile(std::int64_t r0, std::int64_t c0, std::int64_t tr,
                                          std::int64_t tc, bool with_sums) {
  MaskedSums sums;
  const bool holdout_on = holdout_.active();
  for (std::int64_t r = 0; r < tr; ++r) {
    const T* vr = v_ + (r0 + r) * cols_ + c0;
    T* yr = tile_.data() + r * tc;
    T* dr = denom_tile_.empty() ? nullptr : denom_tile_.data() + r * tc;
    const std::uint64_t row_key = holdout_on ? row_keys_[r0 + r] : 0;
    for (std::int64_t c = 0; c < tc; ++c) {
      const T vv = vr[c];
      const T p = yr[c];
      const bool missing = is_missing(vv);
      const bool heldout =
          !missing && holdout_on && holdout_.hides_keys(row_key, col_keys_[c0 + c]);
      const bool observed = !missing && !heldout;
      if (with_sums && !missing) {
        const double e = static_cast<double>(vv) - p;
        if (observed) {
          sums.squared_error += e * e;
        } else {
          sums.heldout_squared_error += e * e;
        }
        if (scheme_ == MaskedScheme::kKullbackLeiblerMu) {
          const double d = kl_entry(vv, std::max(p, beta_floor<T>()));
          if (observed) {
            sums.loss += d;
          } else {
            sums.heldout_divergence += d;
          }
        }
      }
      switch (scheme_) {
        case MaskedScheme::kFrobeniusMu:
          yr[c] = observed ? vv : T(0);
          dr[c] = observed ? p : T(0);
          break;
        case MaskedScheme::kKullbackLeiblerMu:
          yr[c] = observed ? vv / std::max(p, beta_floor<T>()) : T(0);
          dr[c] = observed ? T(1) : T(0);
          break;
        case MaskedScheme::kImputed:
          yr[c] = observed ? vv : p;
          break;
      }
    }
  }
  if (scheme_ != MaskedScheme::kKullbackLeiblerMu) sums.loss = 0.5 * sums.squared_error;
  return sums;
}

template <typename T>
MaskedSums MaskedTerms<T>::run_sampled(bool h_side, const T* w, const T* ht, T* numer, T* denom,
                                       bool with_sums) {
  const bool kl = scheme_ == MaskedScheme::kKullbackLeiblerMu;  // sparse blocks only
  const std::int64_t out_rows = h_side ? cols_ : rows_;
  // The full products: numer = V^T W_i (H half) or V Ht_j (W half); for KL
  // the quotients at the stored entries.
  SampledSums sampled;
  if (kl) {
    if (h_side) {
      kl_numerator_h_side(*sparse_, w, ht, k_, numer, with_sums ? &sampled : nullptr);
    } else {
      kl_numerator_w_side(*sparse_, w, ht, k_, numer, with_sums ? &sampled : nullptr);
    }
  } else if (sparse_ != nullptr) {
    if (h_side) {
      sparse_transposed_times(*sparse_, w, k_, numer);
    } else {
      sparse_times(*sparse_, ht, k_, numer);
    }
  } else if (h_side) {
    dense_products_->transposed_v_times(v_, w, numer);
  } else {
    dense_products_->v_times(v_, ht, numer);
  }
  MaskedSums sums;
  double block_squared_error = 0.0;
  if (with_sums) {
    // ||V - P||^2 over the whole block = ||V||^2 - 2 <V, W_i H_j> + <W_i^T W_i, H_j H_j^T>.
    const double cross = kl ? sampled.cross_term
                            : h_side ? dot(numer, ht, cols_ * k_) : dot(numer, w, rows_ * k_);
    gram(w, rows_, k_, gram_.data());
    gram(ht, cols_, k_, gram_other_.data());
    block_squared_error =
        block_sum_of_squares_ - 2.0 * cross + dot(gram_.data(), gram_other_.data(), k_ * k_);
  }
  if (scheme_ == MaskedScheme::kFrobeniusMu) {
    // The Gram term: (W_i^T W_i) applied to Ht_j, or W_i to (H_j H_j^T).
    if (h_side) {
      if (!with_sums) gram(w, rows_, k_, gram_.data());  // else formed just above
      gemm(false, false, cols_, k_, k_, T(1), ht, k_, gram_.data(), k_, T(0), denom, k_);
    } else {
      gram(ht, cols_, k_, gram_other_.data());
      gemm(false, false, rows_, k_, k_, T(1), w, k_, gram_other_.data(), k_, T(0), denom, k_);
    }
  }
  double block_model_sum = 0.0;  // sum of W_i H_j over the block (KL)
  if (kl) {
    // W_i^T 1 (H half) or Ht_j^T 1 (W half) in every row of the denominator.
    column_sums(h_side ? w : ht, h_side ? rows_ : cols_, k_, column_sum_.data());
    for (std::int64_t r = 0; r < out_rows; ++r) {
      std::copy(column_sum_.begin(), column_sum_.end(), denom + r * k_);
    }
    if (with_sums) {
      column_sums(h_side ? ht : w, h_side ? cols_ : rows_, k_, other_sum_.data());
      for (std::int64_t l = 0; l < k_; ++l) {
        block_model_sum += static_cast<double>(column_sum_[l]) * other_sum_[l];
      }
    }
  }
  // The unobserved entries out again, at the sampled product, in one pass
  // over their list: each half walks it along its output's rows (columns of
  // V for the H half), so the output row and its own factor row stay in
  // cache and only the other factor's rows are visited at random.
  const UnobservedLines<T> list =
      h_side ? UnobservedLines<T>{cols_, unobserved_col_start_.data(),
                                  unobserved_row_index_.data(), unobserved_col_values_.data()}
             : UnobservedLines<T>{rows_, unobserved_rows_.data(), unobserved_cols_.data(),
                                  unobserved_values_.data()};
  const UnobservedCorrection kind = kl ? UnobservedCorrection::kKullbackLeibler
                                    : scheme_ == MaskedScheme::kFrobeniusMu
                                        ? UnobservedCorrection::kFrobeniusMu
                                        : UnobservedCorrection::kImputed;
  UnobservedSums unobserved;
  correct_unobserved(kind, list, h_side ? ht : w, h_side ? w : ht, k_, numer,
                     scheme_ == MaskedScheme::kImputed ? nullptr : denom,
                     with_sums ? &unobserved : nullptr);
  if (scheme_ != MaskedScheme::kImputed) {
    // Each block's denominator is a sum of non-negative terms: rounding in
    // the subtraction must not make it negative.
    for (std::int64_t i = 0; i < out_rows * k_; ++i) denom[i] = std::max(denom[i], T(0));
  }
  if (with_sums) {
    sums.squared_error = block_squared_error - unobserved.squared_error;
    sums.heldout_squared_error = unobserved.heldout_squared_error;
    if (kl) {
      sums.loss = sampled.log_terms - unobserved.heldout_log_terms + block_model_sum -
                  unobserved.model;
      sums.heldout_divergence = unobserved.heldout_divergence;
    } else {
      sums.loss = 0.5 * sums.squared_error;
    }
  }
  return sums;
}

template <typename T>
MaskedSums MaskedTerms<T>::run(bool h_side, const T* w, const T* ht, T* numer, T* denom,
                               bool with_sums) {
  if (sampled()) return run_sampled(h_side, w, ht, numer, denom, with_sums);
  const std::int64_t out_rows = h_side ? cols_ : rows_;
  std::fill(numer, numer + out_rows * k_, T(0));
  if (forms_denominator()) std::fill(denom, denom + out_rows * k_, T(0));
  MaskedSums sums;
  auto one_tile = [&](std::int64_t r0, std::int64_t c0) {
    const std::int64_t tr = std::min(tile_rows_, rows_ - r0);
    const std::int64_t tc = std::min(tile_cols_, cols_ - c0);
    const T* w_tile = w + r0 * k_;
    const T* ht_tile = ht + c0 * k_;
    T* y = tile_.data();
    T* d = denom_tile_.data();
    gemm(false, true, tr, tc, k_, T(1), w_tile, k_, ht_tile, k_, T(0), y, tc);
    const MaskedSums tile_sums = transform_tile(r0, c0, tr, tc, with_sums);
    sums.loss += tile_sums.loss;
    sums.squared_error += tile_sums.squared_error;
    sums.heldout_squared_error += tile_sums.heldout_squared_error;
    sums.heldout_divergence += tile_sums.heldout_divergence;
    if (h_side) {
      gemm(true, false, tc, k_, tr, T(1), y, tc, w_tile, k_, T(1), numer + c0 * k_, k_);
      if (forms_denominator())
        gemm(true, false, tc, k_, tr, T(1), d, tc, w_tile, k_, T(1), denom + c0 * k_, k_);
    } else {
      gemm(false, false, tr, k_, tc, T(1), y, tc, ht_tile, k_, T(1), numer + r0 * k_, k_);
      if (forms_denominator())
        gemm(false, false, tr, k_, tc, T(1), d, tc, ht_tile, k_, T(1), denom + r0 * k_, k_);
    }
  };
  // The accumulated output block stays in cache across the inner loop.
  if (h_side) {
    for (std::int64_t c0 = 0; c0 < cols_; c0 += tile_cols_)
      for (std::int64_t r0 = 0; r0 < rows_; r0 += tile_rows_) one_tile(r0, c0);
  } else {
    for (std::int64_t r0 = 0; r0 < rows_; r0 += tile_rows_)
      for (std::int64_t c0 = 0; c0 < cols_; c0 += tile_cols_) one_tile(r0, c0);
  }
  return sums;
}

template class MaskedTerms<double>;
template class MaskedTerms<float>;

}  // namespace gridnmf::local
