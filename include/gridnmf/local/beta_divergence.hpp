#pragma once

#include <cstdint>
#include <vector>

namespace gridnmf::local {

// Entries of WH are raised to this floor before any division or negative
// power, so a zero row of W or column of H gives large but finite terms, not
// Inf or NaN. Float's is larger so that floor^(beta-2) * V stays far from
// float overflow (1e24 at beta = 0). Part of the update's definition: the
// serial reference uses the same values.
template <typename T>
constexpr T beta_floor();
template <>
constexpr double beta_floor<double>() {
  return 1e-16;
}
template <>
constexpr float beta_floor<float>() {
  return 1e-12f;
}

// d_beta(v | y) for one entry: beta = 1 Kullback-Leibler (0 log 0 = 0),
// beta = 0 Itakura-Saito, beta = 2 half the squared difference. No floor.
double beta_divergence_entry(double beta, double v, double y);

// Exponent that makes the beta-divergence MU monotone (Fevotte & Idier
// 2011): 1 / (2 - beta) for beta < 1, 1 for 1 <= beta <= 2.
double mu_exponent(double beta);

// Sums over one V block for the W, H passed in (those before the half's
// update). Beta 0 needs V > 0 for a finite divergence; the MU terms stay
// finite either way.
struct BlockSums {
  double divergence = 0.0;     // sum of d_beta(V | WH), WH floored except for beta 2
  double squared_error = 0.0;  // sum of (V - WH)^2, WH not floored
};

// The per-block terms of one beta-divergence MU half for beta in [0, 2].
// V is the row-major block (rows x cols), W_i row-major (rows x k), H_j held
// transposed as Ht_j row-major (cols x k). WH is formed with GEMM in tiles of
// about kTileEntries entries, so scratch is two tiles and V is only read. The
// object keeps the pointer to V, which must stay alive and unchanged: for
// beta not in {0, 1, 2} it holds sum V^beta, computed in the constructor.
// Every output is this block's share: numer and denom of the H half are summed
// over the grid column (as W^T V is), those of the W half over the grid row,
// and the sums over all ranks.
template <typename T>
class BetaDivergenceTerms {
 public:
  // 131072 entries: 1 MiB for a double tile, in a core's L2 cache between
  // the GEMM that forms it and the GEMMs that consume it, and large enough
  // for those GEMMs to run near their peak (KL, 6000 x 6000, k = 64, one
  // core: 0.70-0.90 s per iteration with 32768 entries, 0.50-0.56 s with
  // 131072). GRIDNMF_BETA_TILE_ENTRIES overrides it for tuning.
  static constexpr std::int64_t kTileEntries = 131072;

  BetaDivergenceTerms(double beta, const T* v, std::int64_t rows, std::int64_t cols,
                      std::int64_t k);

  // kSkip returns zero sums and saves their work: the logarithms of beta 0
  // and 1, and for beta 2 the whole WH product. One half per iteration is
  // enough for the objective.
  enum class Sums { kCompute, kSkip };

  // H half. numer (cols x k) = [V .* (WH)^(beta-2)]^T W_i,
  //         denom (cols x k) = [(WH)^(beta-1)]^T W_i.
  // denom is required except for beta == 1, where it is not formed (pass
  // nullptr): it is then the column sums of the whole W, the same for every
  // column of H.
  BlockSums h_half(const T* w, const T* ht, T* numer, T* denom, Sums sums = Sums::kCompute);

  // W half. numer (rows x k) = [V .* (WH)^(beta-2)] Ht_j,
  //         denom (rows x k) = (WH)^(beta-1) Ht_j.
  // For beta == 1 denom is not formed (pass nullptr): it is then the row sums
  // of the whole H (column sums of Ht), the same for every row of W.
  BlockSums w_half(const T* w, const T* ht, T* numer, T* denom, Sums sums = Sums::kCompute);

  // False for beta == 1, where the caller broadcasts column sums instead.
  bool forms_denominator() const { return beta_ != 1.0; }
  double beta() const { return beta_; }

 private:
  // kHalf and kThreeHalves are beta 0.5 and 1.5, done with square roots.
  enum class Kind { kFrobenius, kKullbackLeibler, kItakuraSaito, kHalf, kThreeHalves, kPower };

  bool uses_power_sum() const {
    return kind_ == Kind::kHalf || kind_ == Kind::kThreeHalves || kind_ == Kind::kPower;
  }
  BlockSums run(bool h_side, const T* w, const T* ht, T* numer, T* denom, bool with_sums);
  template <bool kSums>
  BlockSums transform_tile(const T* v, T* y, T* d, std::int64_t tr, std::int64_t tc);

  double beta_;
  Kind kind_;
  const T* v_;
  std::int64_t rows_;
  std::int64_t cols_;
  std::int64_t k_;
  std::int64_t tile_rows_;
  std::int64_t tile_cols_;
  bool tiled_denominator_;     // false for beta 1 (not formed) and 2 (from a Gram matrix)
  double v_power_sum_ = 0.0;   // sum of V^beta, for beta not in {0, 1, 2}
  std::vector<T> tile_;        // WH tile, then the numerator factor in place
  std::vector<T> denom_tile_;  // (WH)^(beta-1) tile
  std::vector<T> gram_;        // k x k, beta == 2 forms denom from a Gram matrix
};

// Penalties of the MU update: l1 is subtracted from the numerator, l2 X is
// added to the denominator.
struct MuPenalty {
  double l1 = 0.0;
  double l2 = 0.0;
};

// X (rows x k) <- X .* (max(numer - l1, 0) ./ (denom + l2 X + eps))^gamma with
// gamma = mu_exponent(beta) and eps = mu_epsilon<T>(). numer and denom are
// the fully reduced (rows x k) terms for the owned rows.
template <typename T>
void beta_mu_update(double beta, T* x, const T* numer, const T* denom, std::int64_t rows,
                    std::int64_t k, MuPenalty penalty = {});

// The same with one denominator row (k values) shared by all rows: for
// beta == 1, the column sums of the whole W (H half) or of the whole Ht
// (W half).
template <typename T>
void beta_mu_update_shared_denominator(double beta, T* x, const T* numer, const T* denom_row,
                                       std::int64_t rows, std::int64_t k, MuPenalty penalty = {});

// sums (k) = X^T 1 for row-major X (rows x k): the local part of the beta == 1
// denominator, to be summed over the ranks that own the other rows.
template <typename T>
void column_sums(const T* x, std::int64_t rows, std::int64_t k, T* sums);

}  // namespace gridnmf::local
