#include "gridnmf/local/beta_divergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/kl_tile.hpp"
#include "gridnmf/local/mu_kernels.hpp"

namespace gridnmf::local {

double beta_divergence_entry(double beta, double v, double y) {
  if (beta == 1.0) return (v == 0.0 ? 0.0 : v * std::log(v / y)) - v + y;
  if (beta == 0.0) return v / y - std::log(v / y) - 1.0;
  if (beta == 2.0) return 0.5 * (v - y) * (v - y);
  return (std::pow(v, beta) + (beta - 1.0) * std::pow(y, beta) -
          beta * v * std::pow(y, beta - 1.0)) /
         (beta * (beta - 1.0));
}

double mu_exponent(double beta) { return beta < 1.0 ? 1.0 / (2.0 - beta) : 1.0; }

namespace {

// Each pass reads the V tile (ld ldv) and the WH tile y (tr x tc, dense),
// overwrites y with the numerator factor V .* y^(beta-2) and, where formed,
// writes the denominator factor y^(beta-1) into d, and returns the tile's
// sums. kSums = false skips the sums, and with them every logarithm.

// beta = 2: the numerator factor is V itself and the denominator comes from a
// Gram matrix, so this pass only sums.
template <typename T>
BlockSums frobenius_pass(const T* v, std::int64_t ldv, const T* y, std::int64_t tr,
                         std::int64_t tc) {
  double squared = 0.0;
  for (std::int64_t r = 0; r < tr; ++r) {
    const T* vr = v + r * ldv;
    const T* yr = y + r * tc;
    for (std::int64_t c = 0; c < tc; ++c) {
      const double e = static_cast<double>(vr[c]) - yr[c];
      squared += e * e;
    }
  }
  return {0.5 * squared, squared};
}

template <bool kSums, typename T>
BlockSums itakura_saito_pass(const T* v, std::int64_t ldv, T* y, T* d, std::int64_t tr,
                             std::int64_t tc) {
  BlockSums sums;
  for (std::int64_t r = 0; r < tr; ++r) {
    const T* vr = v + r * ldv;
    T* yr = y + r * tc;
    T* dr = d + r * tc;
    for (std::int64_t c = 0; c < tc; ++c) {
      const T vv = vr[c];
      const T inverse = T(1) / std::max(yr[c], beta_floor<T>());
      const T ratio = vv * inverse;
      if constexpr (kSums) {
        const double e = static_cast<double>(vv) - yr[c];
        sums.squared_error += e * e;
        sums.divergence += static_cast<double>(ratio) - std::log(ratio) - 1.0;
      }
      yr[c] = ratio * inverse;
      dr[c] = inverse;
    }
  }
  return sums;
}

// Any other beta; power(y) = y^(beta-2). The divergence returned lacks the
// V^beta term and the 1 / (beta (beta-1)) factor, which the caller applies.
template <bool kSums, typename T, typename Power>
BlockSums power_pass(double beta, Power power, const T* v, std::int64_t ldv, T* y, T* d,
                     std::int64_t tr, std::int64_t tc) {
  const double power_weight = beta - 1.0;
  BlockSums sums;
  for (std::int64_t r = 0; r < tr; ++r) {
    const T* vr = v + r * ldv;
    T* yr = y + r * tc;
    T* dr = d + r * tc;
    for (std::int64_t c = 0; c < tc; ++c) {
      const T vv = vr[c];
      const T floored = std::max(yr[c], beta_floor<T>());
      const T p = power(floored);
      const T denominator = floored * p;  // y^(beta-1)
      if constexpr (kSums) {
        const double e = static_cast<double>(vv) - yr[c];
        sums.squared_error += e * e;
        sums.divergence += power_weight * floored * denominator - beta * vv * denominator;
      }
      yr[c] = vv * p;
      dr[c] = denominator;
    }
  }
  return sums;
}

}  // namespace

template <typename T>
BetaDivergenceTerms<T>::BetaDivergenceTerms(double beta, const T* v, std::int64_t rows,
                                            std::int64_t cols, std::int64_t k)
    : beta_(beta), v_(v), rows_(rows), cols_(cols), k_(k) {
  if (!(beta >= 0.0 && beta <= 2.0)) {
    throw std::invalid_argument("beta-divergence MU needs beta in [0, 2], got " +
                                std::to_string(beta));
  }
  kind_ = beta == 2.0   ? Kind::kFrobenius
          : beta == 1.0 ? Kind::kKullbackLeibler
          : beta == 0.0 ? Kind::kItakuraSaito
          : beta == 0.5 ? Kind::kHalf
          : beta == 1.5 ? Kind::kThreeHalves
                        : Kind::kPower;
  // Square-ish tiles so every GEMM has two dimensions of a few hundred; a
  // thin block gets tiles as long as the budget allows.
  // GRIDNMF_BETA_TILE_ENTRIES overrides the tile size for tuning.
  static const std::int64_t tile_entries = [] {
    const char* text = std::getenv("GRIDNMF_BETA_TILE_ENTRIES");
    const std::int64_t entries = text ? std::atoll(text) : 0;
    return entries > 0 ? entries : kTileEntries;
  }();
  const std::int64_t long_side =
      std::max<std::int64_t>(256, tile_entries / std::max<std::int64_t>(cols_, 1));
  tile_rows_ = std::max<std::int64_t>(1, std::min(rows_, long_side));
  tile_cols_ = std::max<std::int64_t>(1, std::min(cols_, tile_entries / tile_rows_));
  const auto tile_size = static_cast<size_t>(tile_rows_ * tile_cols_);
  tile_.resize(tile_size);
  tiled_denominator_ = kind_ != Kind::kFrobenius && kind_ != Kind::kKullbackLeibler;
  if (tiled_denominator_) denom_tile_.resize(tile_size);
  if (kind_ == Kind::kFrobenius) gram_.resize(static_cast<size_t>(k_ * k_));
  if (uses_power_sum()) {
    // V is fixed, so the V^beta part of the divergence is summed once.
    for (std::int64_t i = 0; i < rows_ * cols_; ++i) {
      const double x = v_[i];
      v_power_sum_ += kind_ == Kind::kHalf          ? std::sqrt(x)
                      : kind_ == Kind::kThreeHalves ? x * std::sqrt(x)
                                                    : std::pow(x, beta_);
    }
  }
}

template <typename T>
BlockSums BetaDivergenceTerms<T>::h_half(const T* w, const T* ht, T* numer, T* denom, Sums sums) {
  return run(true, w, ht, numer, denom, sums == Sums::kCompute);
}

template <typename T>
BlockSums BetaDivergenceTerms<T>::w_half(const T* w, const T* ht, T* numer, T* denom, Sums sums) {
  return run(false, w, ht, numer, denom, sums == Sums::kCompute);
}

template <typename T>
template <bool kSums>
BlockSums BetaDivergenceTerms<T>::transform_tile(const T* v, T* y, T* d, std::int64_t tr,
                                                 std::int64_t tc) {
  BlockSums t;
  switch (kind_) {
    case Kind::kFrobenius:
      if constexpr (kSums) t = frobenius_pass(v, cols_, y, tr, tc);
      break;
    case Kind::kKullbackLeibler:
      if constexpr (kSums) {
        t = kl_quotient_with_sums(v, cols_, y, tr, tc);
      } else {
        kl_quotient(v, cols_, y, tr, tc);
      }
      break;
    case Kind::kItakuraSaito:
      t = itakura_saito_pass<kSums>(v, cols_, y, d, tr, tc);
      break;
    // Square roots instead of pow for the two common half-integer betas.
    case Kind::kHalf:
      t = power_pass<kSums>(
          beta_, [](T x) { return T(1) / (x * std::sqrt(x)); }, v, cols_, y, d, tr, tc);
      break;
    case Kind::kThreeHalves:
      t = power_pass<kSums>(
          beta_, [](T x) { return T(1) / std::sqrt(x); }, v, cols_, y, d, tr, tc);
      break;
    case Kind::kPower: {
      const T exponent = static_cast<T>(beta_ - 2.0);
      t = power_pass<kSums>(
          beta_, [exponent](T x) { return std::pow(x, exponent); }, v, cols_, y, d, tr, tc);
      break;
    }
  }
  return t;
}

template <typename T>
BlockSums BetaDivergenceTerms<T>::run(bool h_side, const T* w, const T* ht, T* numer, T* denom,
                                      bool with_sums) {
  const std::int64_t out_rows = h_side ? cols_ : rows_;
  std::fill(numer, numer + out_rows * k_, T(0));
  if (tiled_denominator_) std::fill(denom, denom + out_rows * k_, T(0));
  // Without sums, beta = 2 needs no WH at all: its numerator factor is V.
  const bool forms_wh = with_sums || kind_ != Kind::kFrobenius;

  BlockSums sums;
  auto one_tile = [&](std::int64_t r0, std::int64_t c0) {
    const std::int64_t tr = std::min(tile_rows_, rows_ - r0);
    const std::int64_t tc = std::min(tile_cols_, cols_ - c0);
    const T* v = v_ + r0 * cols_ + c0;
    const T* w_tile = w + r0 * k_;
    const T* ht_tile = ht + c0 * k_;
    T* y = tile_.data();
    T* d = denom_tile_.data();
    if (forms_wh) {
      gemm(false, true, tr, tc, k_, T(1), w_tile, k_, ht_tile, k_, T(0), y, tc);
      const BlockSums tile_sums = with_sums ? transform_tile<true>(v, y, d, tr, tc)
                                            : transform_tile<false>(v, y, d, tr, tc);
      sums.divergence += tile_sums.divergence;
      sums.squared_error += tile_sums.squared_error;
    }
    const T* factor = kind_ == Kind::kFrobenius ? v : y;
    const std::int64_t factor_ld = kind_ == Kind::kFrobenius ? cols_ : tc;

    // H half: this tile's columns of numer/denom gain factor^T W_i rows; W
    // half: its rows gain factor times the tile's rows of Ht_j.
    if (h_side) {
      gemm(true, false, tc, k_, tr, T(1), factor, factor_ld, w_tile, k_, T(1), numer + c0 * k_, k_);
      if (tiled_denominator_)
        gemm(true, false, tc, k_, tr, T(1), d, tc, w_tile, k_, T(1), denom + c0 * k_, k_);
    } else {
      gemm(false, false, tr, k_, tc, T(1), factor, factor_ld, ht_tile, k_, T(1), numer + r0 * k_,
           k_);
      if (tiled_denominator_)
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

  if (kind_ == Kind::kFrobenius) {
    // (W H)^T W = Ht (W^T W) and (W H) Ht = W (Ht^T Ht): O((rows + cols) k^2), no pass over WH.
    if (h_side) {
      gram(w, rows_, k_, gram_.data());
      gemm(false, false, cols_, k_, k_, T(1), ht, k_, gram_.data(), k_, T(0), denom, k_);
    } else {
      gram(ht, cols_, k_, gram_.data());
      gemm(false, false, rows_, k_, k_, T(1), w, k_, gram_.data(), k_, T(0), denom, k_);
    }
  }
  if (with_sums && uses_power_sum()) {
    sums.divergence = (v_power_sum_ + sums.divergence) / (beta_ * (beta_ - 1.0));
  }
  return sums;
}

template class BetaDivergenceTerms<double>;
template class BetaDivergenceTerms<float>;

namespace {

template <typename T, typename DenominatorAt>
void update_any(double beta, T* x, const T* numer, DenominatorAt denominator_at, std::int64_t rows,
                std::int64_t k, MuPenalty penalty) {
  const double gamma = mu_exponent(beta);
  const T exponent = static_cast<T>(gamma);
  const T l1 = static_cast<T>(penalty.l1);
  const T l2 = static_cast<T>(penalty.l2);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t l = 0; l < k; ++l) {
      const std::int64_t i = r * k + l;
      const T numerator = std::max(numer[i] - l1, T(0));
      const T ratio = numerator / (denominator_at(r, l) + l2 * x[i] + mu_epsilon<T>());
      x[i] *= gamma == 1.0 ? ratio : gamma == 0.5 ? std::sqrt(ratio) : std::pow(ratio, exponent);
    }
  }
}

}  // namespace

template <typename T>
void beta_mu_update(double beta, T* x, const T* numer, const T* denom, std::int64_t rows,
                    std::int64_t k, MuPenalty penalty) {
  update_any(
      beta, x, numer, [&](std::int64_t r, std::int64_t l) { return denom[r * k + l]; }, rows, k,
      penalty);
}

template <typename T>
void beta_mu_update_shared_denominator(double beta, T* x, const T* numer, const T* denom_row,
                                       std::int64_t rows, std::int64_t k, MuPenalty penalty) {
  update_any(
      beta, x, numer, [&](std::int64_t, std::int64_t l) { return denom_row[l]; }, rows, k, penalty);
}

template <typename T>
void column_sums(const T* x, std::int64_t rows, std::int64_t k, T* sums) {
  std::vector<double> total(static_cast<size_t>(k), 0.0);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t l = 0; l < k; ++l) total[l] += x[r * k + l];
  for (std::int64_t l = 0; l < k; ++l) sums[l] = static_cast<T>(total[l]);
}

template void beta_mu_update<double>(double, double*, const double*, const double*, std::int64_t,
                                     std::int64_t, MuPenalty);
template void beta_mu_update<float>(double, float*, const float*, const float*, std::int64_t,
                                    std::int64_t, MuPenalty);
template void beta_mu_update_shared_denominator<double>(double, double*, const double*,
                                                        const double*, std::int64_t, std::int64_t,
                                                        MuPenalty);
template void beta_mu_update_shared_denominator<float>(double, float*, const float*, const float*,
                                                       std::int64_t, std::int64_t, MuPenalty);
template void column_sums<double>(const double*, std::int64_t, std::int64_t, double*);
template void column_sums<float>(const float*, std::int64_t, std::int64_t, float*);

}  // namespace gridnmf::local
