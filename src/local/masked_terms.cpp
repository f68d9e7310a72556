#include "gridnmf/local/masked_terms.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/blas.hpp"

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
    : scheme_(scheme), v_(v), rows_(rows), cols_(cols), k_(k), holdout_(holdout) {
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
  tile_.resize(static_cast<size_t>(tile_rows_ * tile_cols_));
  if (forms_denominator()) denom_tile_.resize(tile_.size());

  // V and the mask are fixed: count once.
  const bool holdout_on = holdout_.active();
  for (std::int64_t r = 0; r < rows_; ++r) {
    for (std::int64_t c = 0; c < cols_; ++c) {
      const T value = v_[r * cols_ + c];
      const double square = static_cast<double>(value) * value;
      if (is_missing(value)) {
        counts_.missing += 1.0;
      } else if (holdout_on && holdout_.hides_keys(row_keys_[r], col_keys_[c])) {
        counts_.heldout += 1.0;
        counts_.heldout_sum_of_squares += square;
      } else {
        counts_.observed += 1.0;
        counts_.observed_sum_of_squares += square;
      }
    }
  }
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
MaskedSums MaskedTerms<T>::run(bool h_side, const T* w, const T* ht, T* numer, T* denom,
                               bool with_sums) {
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
