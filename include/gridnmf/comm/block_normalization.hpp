#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/config/normalization.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::comm {

// What a normalisation found, replicated on every rank.
struct NormalizationRecord {
  Normalization kind = Normalization::kNone;
  // tfidf: log(n / df_i) of every row, in the input's order (0 for a row
  // without nonzeros); stored with the result so `transform` weights new
  // columns with the training corpus's idf. Empty otherwise.
  std::vector<double> idf;
  std::int64_t zeros_dropped = 0;  // sparse entries scaled to 0 (rows in every column)
};

// Normalises this rank's block of V in place (config/normalization.hpp):
// tfidf sums each row's nonzero count over the grid row communicator (the
// ranks holding the other columns of the same rows), l1-columns each
// column's sum over the grid column communicator; log1p is local. The block
// is in `order` (internal rows and columns); `given_idf`, in the input's
// order, replaces the computed idf (transform). Collective over grid.all().
template <typename T>
NormalizationRecord normalize_block(const ProcessGrid& grid, const Distribution& dist,
                                    const InputOrder& order, Normalization kind,
                                    DataBlock<T>& v_block,
                                    const std::vector<double>* given_idf = nullptr);

}  // namespace gridnmf::comm
