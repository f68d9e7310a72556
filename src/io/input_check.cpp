#include "gridnmf/io/input_check.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "gridnmf/error.hpp"
#include "gridnmf/comm/collectives.hpp"

namespace gridnmf::io {

namespace {

// Counts of bad entries and the smallest global linear index of each kind.
struct BadEntries {
  std::int64_t negative = 0;
  std::int64_t non_finite = 0;
  std::int64_t first_negative = std::numeric_limits<std::int64_t>::max();
  std::int64_t first_non_finite = std::numeric_limits<std::int64_t>::max();
};

std::string position(std::int64_t linear, std::int64_t total_cols) {
  return "row " + std::to_string(linear / total_cols) + ", column " +
         std::to_string(linear % total_cols);
}

}  // namespace

template <typename T>
void check_nonnegative_finite(MPI_Comm comm, const LocalMatrix<T>& block, const IndexRange& rows,
                              const IndexRange& cols, const std::string& where) {
  std::int64_t total_cols = cols.end();
  comm::allreduce_max(comm, &total_cols, 1);

  BadEntries bad;
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) {
      const T value = block(r, c);
      if (std::isfinite(value) && value >= T(0)) continue;
      const std::int64_t linear = (rows.begin + r) * total_cols + cols.begin + c;
      if (!std::isfinite(value)) {
        ++bad.non_finite;
        bad.first_non_finite = std::min(bad.first_non_finite, linear);
      } else {
        ++bad.negative;
        bad.first_negative = std::min(bad.first_negative, linear);
      }
    }
  }
  std::int64_t counts[2] = {bad.negative, bad.non_finite};
  std::int64_t firsts[2] = {bad.first_negative, bad.first_non_finite};
  comm::allreduce_sum(comm, counts, 2);
  comm::allreduce_min(comm, firsts, 2);
  if (counts[1] > 0) {
    throw Error(where + " has " + std::to_string(counts[1]) +
                " NaN or infinite entries (first at " + position(firsts[1], total_cols) +
                "); NMF needs finite data");
  }
  if (counts[0] > 0) {
    throw Error(where + " has " + std::to_string(counts[0]) + " negative entries (first at " +
                position(firsts[0], total_cols) + "); NMF needs non-negative data");
  }
}

template <typename T>
void check_no_zeros(MPI_Comm comm, const LocalMatrix<T>& block, const IndexRange& rows,
                    const IndexRange& cols, const std::string& where, const std::string& reason) {
  std::int64_t total_cols = cols.end();
  comm::allreduce_max(comm, &total_cols, 1);
  std::int64_t zeros = 0;
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) {
      if (block(r, c) != T(0)) continue;
      ++zeros;
      first = std::min(first, (rows.begin + r) * total_cols + cols.begin + c);
    }
  }
  comm::allreduce_sum(comm, &zeros, 1);
  comm::allreduce_min(comm, &first, 1);
  if (zeros > 0) {
    throw Error(where + " has " + std::to_string(zeros) + " zero entries (first at " +
                position(first, total_cols) + "); " + reason);
  }
}

template void check_no_zeros<double>(MPI_Comm, const LocalMatrix<double>&, const IndexRange&,
                                     const IndexRange&, const std::string&, const std::string&);
template void check_no_zeros<float>(MPI_Comm, const LocalMatrix<float>&, const IndexRange&,
                                    const IndexRange&, const std::string&, const std::string&);
template void check_nonnegative_finite<double>(MPI_Comm, const LocalMatrix<double>&,
                                               const IndexRange&, const IndexRange&,
                                               const std::string&);
template void check_nonnegative_finite<float>(MPI_Comm, const LocalMatrix<float>&,
                                              const IndexRange&, const IndexRange&,
                                              const std::string&);

}  // namespace gridnmf::io
