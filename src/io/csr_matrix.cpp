#include "gridnmf/io/csr_matrix.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

bool add_overflows(std::int64_t& sum, std::int64_t value) {
  return __builtin_add_overflow(sum, value, &sum);
}
bool add_overflows(double& sum, double value) {
  sum += value;
  return false;
}

// Sorts one row's (column, value) pairs by column; rows already in order (the
// common case: files written column by column) are left alone.
template <typename T>
void sort_row(std::int64_t* columns, T* values, std::int64_t count,
              std::vector<std::pair<std::int64_t, T>>& scratch) {
  if (std::is_sorted(columns, columns + count)) return;
  scratch.clear();
  for (std::int64_t e = 0; e < count; ++e) scratch.emplace_back(columns[e], values[e]);
  // Stable: duplicates are summed in file order.
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::int64_t e = 0; e < count; ++e) {
    columns[e] = scratch[static_cast<std::size_t>(e)].first;
    values[e] = scratch[static_cast<std::size_t>(e)].second;
  }
}

template <typename T>
void build(SparseTriplets& triplets, std::vector<T>& input_values, CsrMatrix& csr,
           std::vector<T>& values) {
  const std::size_t entries = triplets.row.size();
  std::vector<std::int64_t>& indptr = csr.indptr;
  indptr.assign(static_cast<std::size_t>(triplets.rows) + 1, 0);
  for (const std::int64_t r : triplets.row) ++indptr[static_cast<std::size_t>(r) + 1];
  std::partial_sum(indptr.begin(), indptr.end(), indptr.begin());

  // Scatter in file order with indptr[r] as row r's cursor, then shift back.
  csr.indices.resize(entries);
  values.resize(entries);
  for (std::size_t e = 0; e < entries; ++e) {
    const std::int64_t slot = indptr[static_cast<std::size_t>(triplets.row[e])]++;
    csr.indices[static_cast<std::size_t>(slot)] = triplets.col[e];
    values[static_cast<std::size_t>(slot)] = input_values[e];
  }
  std::copy_backward(indptr.begin(), indptr.end() - 1, indptr.end());
  indptr[0] = 0;
  triplets = SparseTriplets{};
  input_values = std::vector<T>{};

  // Sort each row, sum equal columns and drop zeros, compacting in place.
  std::vector<std::pair<std::int64_t, T>> scratch;
  std::int64_t kept = 0;
  for (std::int64_t r = 0; r < csr.rows; ++r) {
    const std::int64_t begin = indptr[static_cast<std::size_t>(r)];
    const std::int64_t end = indptr[static_cast<std::size_t>(r) + 1];
    sort_row(csr.indices.data() + begin, values.data() + begin, end - begin, scratch);
    indptr[static_cast<std::size_t>(r)] = kept;
    for (std::int64_t e = begin; e < end;) {
      const std::int64_t column = csr.indices[static_cast<std::size_t>(e)];
      T sum = values[static_cast<std::size_t>(e)];
      for (++e; e < end && csr.indices[static_cast<std::size_t>(e)] == column; ++e) {
        if (add_overflows(sum, values[static_cast<std::size_t>(e)])) {
          throw Error("duplicate entries at row " + std::to_string(r + 1) + ", column " +
                      std::to_string(column + 1) + " sum beyond the int64 range");
        }
      }
      if (sum == T(0)) continue;
      csr.indices[static_cast<std::size_t>(kept)] = column;
      values[static_cast<std::size_t>(kept)] = sum;
      ++kept;
    }
  }
  indptr[static_cast<std::size_t>(csr.rows)] = kept;
  csr.indices.resize(static_cast<std::size_t>(kept));
  csr.indices.shrink_to_fit();
  values.resize(static_cast<std::size_t>(kept));
  values.shrink_to_fit();
}

}  // namespace

std::string to_string(SparseValueType type) {
  return type == SparseValueType::kInteger ? "int64" : "float64";
}

CsrMatrix to_csr(SparseTriplets&& triplets) {
  CsrMatrix csr;
  csr.rows = triplets.rows;
  csr.cols = triplets.cols;
  csr.value_type = triplets.value_type;
  if (triplets.value_type == SparseValueType::kInteger) {
    std::vector<std::int64_t> input = std::move(triplets.integer_values);
    build(triplets, input, csr, csr.integer_values);
  } else {
    std::vector<double> input = std::move(triplets.real_values);
    build(triplets, input, csr, csr.real_values);
  }
  return csr;
}

}  // namespace gridnmf::io
