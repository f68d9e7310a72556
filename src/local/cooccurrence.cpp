#include "gridnmf/local/cooccurrence.hpp"

#include <cmath>

namespace gridnmf::local {

namespace {

// One bit per column for each queried row.
class PresenceBits {
 public:
  PresenceBits(std::size_t rows, std::int64_t cols)
      : words_(static_cast<std::size_t>((cols + 63) / 64)), bits_(rows * words_, 0) {}
  void set(std::size_t row, std::int64_t col) {
    bits_[row * words_ + static_cast<std::size_t>(col / 64)] |= std::uint64_t{1} << (col % 64);
  }
  std::int64_t count(std::size_t row) const {
    std::int64_t total = 0;
    for (std::size_t w = 0; w < words_; ++w) total += __builtin_popcountll(bits_[row * words_ + w]);
    return total;
  }
  std::int64_t count_both(std::size_t a, std::size_t b) const {
    std::int64_t total = 0;
    for (std::size_t w = 0; w < words_; ++w) {
      total += __builtin_popcountll(bits_[a * words_ + w] & bits_[b * words_ + w]);
    }
    return total;
  }

 private:
  std::size_t words_;
  std::vector<std::uint64_t> bits_;
};

void add_counts(const PresenceBits& bits, const CooccurrenceQuery& query, std::int64_t* counts) {
  for (std::size_t i = 0; i < query.rows.size(); ++i) counts[i] += bits.count(i);
  for (std::size_t p = 0; p < query.pairs.size(); ++p) {
    counts[query.rows.size() + p] +=
        bits.count_both(static_cast<std::size_t>(query.pairs[p].first),
                        static_cast<std::size_t>(query.pairs[p].second));
  }
}

}  // namespace

template <typename T>
void add_cooccurrence_counts(const SparseBlock<T>& block, const CooccurrenceQuery& query,
                             std::int64_t* counts) {
  PresenceBits bits(query.rows.size(), block.cols);
  for (std::size_t i = 0; i < query.rows.size(); ++i) {
    const std::int64_t r = query.rows[i];
    for (std::int64_t p = 0; p < block.panels(); ++p) {
      const std::int64_t* start = block.row_start.data() + p * block.rows;
      for (std::int64_t e = start[r]; e < start[r + 1]; ++e) {
        if (block.values[e] != T(0)) bits.set(i, block.col_index[e]);
      }
    }
  }
  add_counts(bits, query, counts);
}

template <typename T>
void add_cooccurrence_counts(const LocalMatrix<T>& block, const CooccurrenceQuery& query,
                             std::int64_t* counts) {
  PresenceBits bits(query.rows.size(), block.cols);
  for (std::size_t i = 0; i < query.rows.size(); ++i) {
    for (std::int64_t c = 0; c < block.cols; ++c) {
      if (block(query.rows[i], c) != T(0)) bits.set(i, c);
    }
  }
  add_counts(bits, query, counts);
}

double npmi(std::int64_t both, std::int64_t a, std::int64_t b, std::int64_t columns) {
  if (both == 0 || columns == 0) return -1.0;
  if (both == columns) return 1.0;
  const double n = static_cast<double>(columns);
  const double joint = static_cast<double>(both) / n;
  const double pa = static_cast<double>(a) / n;
  const double pb = static_cast<double>(b) / n;
  return std::log(joint / (pa * pb)) / -std::log(joint);
}

template void add_cooccurrence_counts<double>(const SparseBlock<double>&,
                                              const CooccurrenceQuery&, std::int64_t*);
template void add_cooccurrence_counts<float>(const SparseBlock<float>&, const CooccurrenceQuery&,
                                             std::int64_t*);
template void add_cooccurrence_counts<double>(const LocalMatrix<double>&,
                                              const CooccurrenceQuery&, std::int64_t*);
template void add_cooccurrence_counts<float>(const LocalMatrix<float>&, const CooccurrenceQuery&,
                                             std::int64_t*);

}  // namespace gridnmf::local
