#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/matrix/holdout_mask.hpp"

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
// held transposed as Ht_j (cols x k). P is formed with GEMM in tiles, so
// scratch is two tiles plus the row and column keys: O(rows + cols) beyond
// the tiles, and V is only read. Outputs are this block's share, summed over
// the grid column (H half) or grid row (W half) as W^T V is.
template <typename T>
class MaskedTerms {
 public:
  static constexpr std::int64_t kTileEntries = 32768;

  MaskedTerms(MaskedScheme scheme, const T* v, std::int64_t rows, std::int64_t cols,
              std::int64_t k, const std::vector<std::int64_t>& row_ids,
              const std::vector<std::int64_t>& col_ids, const HoldoutMask& holdout);

  // H half: numer and denom (cols x k) = factor^T W_i. denom is not formed
  // (may be nullptr) for kImputed. Sums are of this W, H when wanted.
  MaskedSums h_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums);
  // W half: numer and denom (rows x k) = factor Ht_j.
  MaskedSums w_half(const T* w, const T* ht, T* numer, T* denom, bool with_sums);

  const MaskCounts& counts() const { return counts_; }
  bool forms_denominator() const { return scheme_ != MaskedScheme::kImputed; }

 private:
  MaskedSums run(bool h_side, const T* w, const T* ht, T* numer, T* denom, bool with_sums);
  MaskedSums transform_tile(std::int64_t r0, std::int64_t c0, std::int64_t tr, std::int64_t tc,
                            bool with_sums);

  MaskedScheme scheme_;
  const T* v_;
  std::int64_t rows_, cols_, k_;
  HoldoutMask holdout_;
  std::vector<std::uint64_t> row_keys_, col_keys_;  // empty without a held-out mask
  std::int64_t tile_rows_, tile_cols_;
  std::vector<T> tile_;        // P, then the numerator factor in place
  std::vector<T> denom_tile_;  // the denominator factor
  MaskCounts counts_;
};

}  // namespace gridnmf::local
