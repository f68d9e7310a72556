#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "gridnmf/local/cross_products.hpp"
#include "gridnmf/matrix/holdout_mask.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::local {

// How the masked terms of one half are formed from a tile of V and of
// P = W_i H_j, with M = 1 on the observed entries (neither missing nor held
// out) and 0 elsewhere:
//  - kFrobeniusMu:  numer = M.*V        denom = M.*P        (masked Lee-Seung)
//  - kKullbackLeiblerMu: numer = M.*V./P  denom = M         (masked KL MU)
//  - kImputed:      numer = M.*V + (1-M).*P, no denom       (EM: the unobserved
//    entries filled with the current model; any unmasked rule then takes
//    numer as its cross product with the Gram matrix of the other factor)
enum class MaskedScheme { kFrobeniusMu, kKullbackLeiblerMu, kImputed };

// Sums over one block for the W, H passed in: the training loss counts the
// observed entries only, the held-out terms the held-out ones only (missing
// entries count nowhere).
struct MaskedSums {
  double loss = 0.0;                 // 0.5 sum M.*(V-P)^2, or sum M.*d_KL(V|P)
  double squared_error = 0.0;        // sum M.*(V-P)^2
  double heldout_squared_error = 0.0;
  double heldout_divergence = 0.0;   // sum over held-out entries of d_KL(V|P) (KL scheme)
};

// What the mask leaves of one block; fixed for a run.
struct MaskCounts {
  double observed = 0.0;
  double heldout = 0.0;
  double missing = 0.0;
  double observed_sum_of_squares = 0.0;
  double heldout_sum_of_squares = 0.0;
};

// The per-block terms of masked alternating updates for a dense row-major V
// block (rows x cols) whose missing entries are -0.0 (matrix/holdout_mask.hpp).
// row_ids / col_ids are the block's global row and column indices in the
// input's order, used by the held-out mask. W_i is row-major (rows x k), H_j
// held transposed as Ht_j (cols x k). V is only read. Outputs are this
// block's share, summed over the grid column (H half) or grid row (W half)
// as W^T V is.
//
// Two ways, chosen by the scheme:
//  - kFrobeniusMu and kImputed (dense or sparse) and kKullbackLeiblerMu on a
//    sparse block never form P = W_i H_j. The full products are one GEMM
//    (V^T W_i or V Ht_j; the missing entries are 0 in V), or the KL
//    quotients at the stored entries (local/sparse_products.hpp), and the
//    denominators the Gram terms (W_i^T W_i) Ht_j^T, or for KL the column
//    sums of the factor in every row; then the unobserved entries are taken
//    out again at a sampled product, p = W_i(r,:) . Ht_j(c,:) only there
//    (correct_unobserved), so a half costs the products of unmasked MU +
//    O((rows + cols) k^2) + O(unobserved k). The list of unobserved entries
//    is built once, by row and by column, each with its V value (4 + sizeof(T)
//    bytes per entry each way, plus the row and column pointers), so no
//    iteration reads V outside its products.
//    The training error comes from the same identity as the unmasked one,
//    ||V||^2 - 2 <V, P> + <W_i^T W_i, H_j H_j^T> minus the unobserved terms;
//    the sparse KL loss is the sum over the observed nonzeros of
//    v log(v / p) - v plus sum(W_i H_j) = (1^T W_i)(Ht_j^T 1) minus p at the
//    unobserved entries; the held-out terms are summed exactly at their entries.
//  - kKullbackLeiblerMu on a dense block needs V ./ P at every observed
//    entry: P is formed with GEMM in tiles, scratch two tiles.
template <typename T>
class MaskedTerms {
 public:
  static constexpr std::int64_t kTileEntries = 32768;

  MaskedTerms(MaskedScheme scheme, const T* v, std::int64_t rows, std::int64_t cols,
              std::int64_t k, const std::vector<std::int64_t>& row_ids,
              const std::vector<std::int64_t>& col_ids, const HoldoutMask& holdout);

  // A sparse block (any scheme; a stored -0.0 is a missing entry): the
  // held-out nonzeros are those the mask hides; the held-out zeros are added
  // by add_heldout_zeros, which must be called before the first half.
  MaskedTerms(MaskedScheme scheme, const SparseBlock<T>& v, std::int64_t k,
              const std::vector<std::int64_t>& row_ids, const std::vector<std::int64_t>& col_ids,
              const HoldoutMask& holdout);
  // Sparse: held-out nonzeros per row of this block, to be summed over the
  // grid row (the whole input row's count).
  const std::vector<std::int64_t>& heldout_nonzeros_per_row() const { return heldout_per_row_; }
  // Sparse: as many held-out zeros per input row as it has held-out
  // nonzeros (row_totals, per block row): candidate t = 0 .. total-1 of row
  // i is input column zero_candidate(i, t); candidates in this block that
  // are zeros of V are held out, others (nonzeros, repeats) are dropped, so
  // the count is at most that of the nonzeros. local_col maps an input
  // column to this block's local column, or -1 when not in the block.
  void add_heldout_zeros(const std::vector<std::int64_t>& row_totals, std::int64_t n,
                         const std::function<std::int64_t(std::int64_t)>& local_col);
  // Input column of candidate t of the input row with this row key (a pure
  // function: HoldoutMask::row_key of the input row).
  static std::int64_t zero_candidate(std::int64_t row_key, std::int64_t t, std::int64_t n) {
    const std::uint64_t x = HoldoutMask::mix(static_cast<std::uint64_t>(t) * 0xd1b54a32d192ed03ULL +
                                             0x5851f42d4c957f2dULL);
    return static_cast<std::int64_t>(HoldoutMask::mix(static_cast<std::uint64_t>(row_key) ^ x) %
                                     static_cast<std::uint64_t>(n));
  }

  // H half: numer and denom (cols x k) = factor^T W_i. denom is not formed
  // (may be nullptr) for kImputed. Sums are of this W, H when wanted.
  MaskedSums h_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums);
  // W half: numer and denom (rows x k) = factor Ht_j.
  MaskedSums w_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums);

  const MaskCounts& counts() const { return counts_; }
  bool forms_denominator() const { return scheme_ != MaskedScheme::kImputed; }

 private:
  MaskedSums run(bool h_side, const T* w, const T* ht, T* numer, T* denom, bool with_sums);
  MaskedSums run_sampled(bool h_side, const T* w, const T* ht, T* numer, T* denom,
                         bool with_sums);
  bool sampled() const { return sampled_; }
  bool stored_nonzero(std::int64_t r, std::int64_t c) const;
  void build_column_list();
  MaskedSums transform_tile(std::int64_t r0, std::int64_t c0, std::int64_t tr, std::int64_t tc,
                            bool with_sums);

  MaskedScheme scheme_;
  bool sampled_;  // every scheme but dense KL: full products, then the unobserved entries out
  const T* v_;
  std::int64_t rows_, cols_, k_;
  HoldoutMask holdout_;
  std::vector<std::uint64_t> row_keys_, col_keys_;  // empty without a held-out mask
  std::int64_t tile_rows_, tile_cols_;
  std::vector<T> tile_;        // P, then the numerator factor in place
  std::vector<T> denom_tile_;  // the denominator factor
  // Sampled schemes: the unobserved entries, CSR (row r's columns are
  // unobserved_cols_[unobserved_rows_[r] .. unobserved_rows_[r + 1])).
  std::vector<std::int64_t> unobserved_rows_;
  std::vector<std::int32_t> unobserved_cols_;
  std::vector<T> unobserved_values_;  // V there; -0.0 marks a missing entry
  // The same entries by column (CSC), walked by the H half.
  std::vector<std::int64_t> unobserved_col_start_;
  std::vector<std::int32_t> unobserved_row_index_;
  std::vector<T> unobserved_col_values_;
  std::optional<CrossProducts<T>> dense_products_;  // dense sampled schemes
  const SparseBlock<T>* sparse_ = nullptr;
  std::vector<std::int64_t> heldout_per_row_;
  // Sparse, until add_heldout_zeros: the held-out nonzeros of each row.
  std::vector<std::vector<std::pair<std::int32_t, T>>> pending_;
  double block_sum_of_squares_ = 0.0;  // ||V_ij||^2, missing entries 0
  std::vector<T> gram_, gram_other_;   // k x k, W_i^T W_i and H_j H_j^T
  std::vector<T> column_sum_, other_sum_;  // k: the factors' column sums (sparse KL)
  MaskCounts counts_;
};

}  // namespace gridnmf::local
