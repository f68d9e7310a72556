#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::local {

// Which rows of a block to count and which pairs of them: `rows` are block
// row indices, a pair holds two positions in `rows`.
struct CooccurrenceQuery {
  std::vector<std::int64_t> rows;
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
};

// Adds, over this block's columns, the number of columns where each queried
// row is nonzero (counts[0 .. rows)) and where both rows of each pair are
// (counts[rows .. rows + pairs)): the document frequencies NPMI coherence
// needs. One bit per queried row and block column. No MPI: the caller sums
// the counts over the blocks of all columns.
template <typename T>
void add_cooccurrence_counts(const SparseBlock<T>& block, const CooccurrenceQuery& query,
                             std::int64_t* counts);
template <typename T>
void add_cooccurrence_counts(const LocalMatrix<T>& block, const CooccurrenceQuery& query,
                             std::int64_t* counts);

// Normalised pointwise mutual information of two rows from document counts
// over `columns` columns: log(p_ab / (p_a p_b)) / -log(p_ab), with
// p = count / columns; -1 when the rows never occur together, 1 when they
// occur together in every column.
double npmi(std::int64_t both, std::int64_t a, std::int64_t b, std::int64_t columns);

}  // namespace gridnmf::local
