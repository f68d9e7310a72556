#include "gridnmf/local/nnls_bpp.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "gridnmf/local/blas.hpp"

// LAPACK through its Fortran symbol (OpenBLAS exports it; Debian ships no lapacke.h).
extern "C" void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info);

namespace gridnmf::local {

namespace {

// Kim & Park's p: full exchanges allowed while the infeasible count fails to drop.
constexpr int kBackupRounds = 3;
// A Cholesky pivot below this fraction of its diagonal entry is rounding noise
// (about f * 1e-16 for a singular block), so the block counts as singular.
// Relative to each diagonal entry, so scaling G's rows and columns changes nothing.
constexpr double kPivotTolerance = 1e-12;
// Ridges tried in turn, relative to each diagonal entry. The first is ten times
// the pivot tolerance, so it succeeds on any positive semi-definite block; the
// last makes any finite block pass.
constexpr double kFirstRidge = 1e-11;
constexpr double kRidgeGrowth = 100.0;
constexpr int kRidgeAttempts = 8;  // no ridge, then 1e-11 ... 1e1
// A gradient entry y_j counts as negative only below
// -kGradientTolerance * (|c_j| + sqrt(G_jj) sum_i sqrt(G_ii) |x_i|), a bound on
// the rounding error of (Gx)_j - c_j with a wide margin; without it, noise
// around zero keeps exchanging degenerate variables.
constexpr double kGradientTolerance = 1e-12;
// Groups with at least this many rows go through BLAS trsm and gemm. Measured
// at k = 16..64: a wash at 2 rows, 1.2-1.5x faster per row from 4 rows on.
constexpr std::int64_t kBatchRows = 4;
// Passive sets from this size on are factorised by LAPACK (measured crossover
// between 24 and 32: at 64, 5 us against 10 us for the loop).
constexpr std::int64_t kLapackCholesky = 28;

bool test_bit(const std::uint64_t* key, std::int64_t i) { return (key[i >> 6] >> (i & 63)) & 1u; }
void flip_bit(std::uint64_t* key, std::int64_t i) { key[i >> 6] ^= std::uint64_t{1} << (i & 63); }

// y += a * x: contiguous row updates vectorise without reassociating a sum.
void axpy(std::int64_t n, double a, const double* x, double* y) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

// Four partial sums, so the additions do not wait on each other.
double dot(std::int64_t n, const double* a, const double* b) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

template <typename T>
BppSolver<T>::BppSolver(std::int64_t k)
    : k_(k),
      words_((k + 63) / 64),
      gram_(k * k),
      sqrt_diag_(k),
      fixed_(k),
      group_key_(words_),
      passive_(k),
      complement_(k),
      factor_(k * k),
      pivot_scale_(k),
      inverse_diag_(k),
      gram_rows_(k * k) {
  exchange_.reserve(k);
}

template <typename T>
void BppSolver<T>::solve(const T* gram, const T* cross, std::int64_t rows, T* x) {
  std::copy(gram, gram + k_ * k_, gram_.begin());
  if constexpr (std::is_same_v<T, double>) {
    solve_double(cross, rows, x);
  } else {
    const std::int64_t count = rows * k_;
    c_copy_.assign(cross, cross + count);
    x_copy_.assign(x, x + count);
    solve_double(c_copy_.data(), rows, x_copy_.data());
    std::copy(x_copy_.begin(), x_copy_.begin() + count, x);
  }
}

template <typename T>
void BppSolver<T>::solve_double(const double* cross, std::int64_t rows, double* x) {
  last_rounds_ = 0;
  if (rows <= 0 || k_ == 0) return;
  for (std::int64_t i = 0; i < k_; ++i) {
    const double d = gram_[i * k_ + i];
    fixed_[i] = !(d > 0.0);
    sqrt_diag_[i] = fixed_[i] ? 0.0 : std::sqrt(d);
  }
  start_rows(rows, x);
  if (static_cast<std::int64_t>(rhs_.size()) < rows * k_) {
    rhs_.resize(rows * k_);
    gradient_.resize(rows * k_);
  }
  const std::int64_t words = words_;
  const std::uint64_t* keys = key_.data();
  const auto key_less = [keys, words](std::int64_t a, std::int64_t b) {
    return std::lexicographical_compare(keys + a * words, keys + (a + 1) * words, keys + b * words,
                                        keys + (b + 1) * words);
  };
  for (int round = 1;; ++round) {
    last_rounds_ = round;
    std::sort(order_.begin(), order_.end(), key_less);
    next_order_.clear();
    const std::int64_t active = static_cast<std::int64_t>(order_.size());
    for (std::int64_t begin = 0; begin < active;) {
      const std::uint64_t* first = keys + order_[begin] * words;
      std::copy(first, first + words, group_key_.begin());
      std::int64_t end = begin + 1;
      while (end < active &&
             std::equal(group_key_.begin(), group_key_.end(), keys + order_[end] * words)) {
        ++end;
      }
      solve_group(begin, end, cross, x);
      begin = end;
    }
    order_.swap(next_order_);
    if (order_.empty()) return;
    if (round >= max_rounds()) break;
  }
  // Out of rounds: the last solve of each unsettled row, made feasible.
  for (const std::int64_t row : order_) {
    double* x_row = x + row * k_;
    for (std::int64_t i = 0; i < k_; ++i) x_row[i] = x_row[i] > 0.0 ? x_row[i] : 0.0;
  }
}

template <typename T>
void BppSolver<T>::start_rows(std::int64_t rows, const double* x) {
  key_.assign(rows * words_, 0);
  for (std::int64_t r = 0; r < rows; ++r) {
    std::uint64_t* key = key_.data() + r * words_;
    for (std::int64_t i = 0; i < k_; ++i) {
      const bool passive = (x[r * k_ + i] > 0.0) & !fixed_[i];  // no branch on data
      key[i >> 6] |= std::uint64_t{passive} << (i & 63);
    }
  }
  infeasible_.assign(rows, static_cast<int>(k_ + 1));
  backup_.assign(rows, kBackupRounds);
  order_.resize(rows);
  for (std::int64_t r = 0; r < rows; ++r) order_[r] = r;
  next_order_.reserve(rows);
}

template <typename T>
void BppSolver<T>::solve_group(std::int64_t begin, std::int64_t end, const double* cross,
                               double* x) {
  // Branch-free: the bits of a passive set are as good as random.
  passive_count_ = 0;
  complement_count_ = 0;
  for (std::int64_t i = 0; i < k_; ++i) {
    const bool passive = test_bit(group_key_.data(), i);
    passive_[passive_count_] = i;
    complement_[complement_count_] = i;
    passive_count_ += passive;
    complement_count_ += !passive && !fixed_[i];
  }
  if (passive_count_ > 0 && !factor_passive()) {
    // Only non-finite input gets here; zero is the one answer that stays finite.
    for (std::int64_t t = begin; t < end; ++t) std::fill_n(x + order_[t] * k_, k_, 0.0);
    return;
  }
  if (passive_count_ == 0 || end - begin < kBatchRows) {
    solve_rows_one_by_one(begin, end, cross, x);
  } else {
    solve_rows_batched(begin, end, cross, x);
  }
}

template <typename T>
bool BppSolver<T>::factor_passive() {
  const std::int64_t f = passive_count_;
  double ridge = 0.0;
  for (int attempt = 0; attempt < kRidgeAttempts; ++attempt) {
    for (std::int64_t a = 0; a < f; ++a) {
      const double* g_row = gram_.data() + passive_[a] * k_;
      for (std::int64_t b = a; b < f; ++b) factor_[a * f + b] = g_row[passive_[b]];
      factor_[a * f + a] *= 1.0 + ridge;
      pivot_scale_[a] = factor_[a * f + a];
    }
    if (cholesky_in_place(f)) {
      for (std::int64_t a = 0; a < f; ++a) inverse_diag_[a] = 1.0 / factor_[a * f + a];
      return true;
    }
    ridge = attempt == 0 ? kFirstRidge : ridge * kRidgeGrowth;
  }
  return false;
}

// Cholesky of the upper triangle of factor_ (f x f), U^T U = A. Small blocks
// use a right-looking loop whose updates are contiguous axpys; from
// kLapackCholesky on, LAPACK's dpotrf (its SIMD kernels) is faster. Either way
// a pivot below kPivotTolerance of its diagonal entry counts as a failure.
template <typename T>
bool BppSolver<T>::cholesky_in_place(std::int64_t f) {
  double* u = factor_.data();
  if (f >= kLapackCholesky) {
    // Row-major upper is column-major lower.
    const int n = static_cast<int>(f);
    int info = 0;
    dpotrf_("L", &n, u, &n, &info);
    if (info != 0) return false;
    for (std::int64_t i = 0; i < f; ++i) {
      const double diag = u[i * f + i];
      if (!(diag * diag > kPivotTolerance * pivot_scale_[i])) return false;
    }
    return true;
  }
  for (std::int64_t i = 0; i < f; ++i) {
    double* row = u + i * f;
    const double pivot = row[i];
    if (!(pivot > kPivotTolerance * pivot_scale_[i])) return false;
    const double diag = std::sqrt(pivot);
    const double inverse = 1.0 / diag;
    row[i] = diag;
    for (std::int64_t j = i + 1; j < f; ++j) row[j] *= inverse;
    for (std::int64_t j = i + 1; j < f; ++j) axpy(f - j, -row[j], row + j, u + j * f + j);
  }
  return true;
}

template <typename T>
void BppSolver<T>::solve_rows_one_by_one(std::int64_t begin, std::int64_t end, const double* cross,
                                         double* x) {
  const std::int64_t f = passive_count_;
  const std::int64_t* passive = passive_.data();
  const double* u = factor_.data();
  double* b = rhs_.data();
  double* y = gradient_.data();
  for (std::int64_t t = begin; t < end; ++t) {
    const std::int64_t row = order_[t];
    const double* c_row = cross + row * k_;
    double* x_row = x + row * k_;
    for (std::int64_t a = 0; a < f; ++a) b[a] = c_row[passive[a]];
    for (std::int64_t j = 0; j < f; ++j) {  // U^T z = b
      b[j] *= inverse_diag_[j];
      axpy(f - j - 1, -b[j], u + j * f + j + 1, b + j + 1);
    }
    for (std::int64_t j = f - 1; j >= 0; --j) {  // U x = z
      b[j] = (b[j] - dot(f - j - 1, u + j * f + j + 1, b + j + 1)) * inverse_diag_[j];
    }
    std::fill_n(x_row, k_, 0.0);
    for (std::int64_t a = 0; a < f; ++a) x_row[passive[a]] = b[a];
    // The gradient is needed outside the passive set only (inside it is zero).
    for (std::int64_t a = 0; a < complement_count_; ++a) {
      const std::int64_t i = complement_[a];
      y[i] = dot(k_, gram_.data() + i * k_, x_row) - c_row[i];
    }
    if (!update_passive_set(row, x_row, y, c_row)) next_order_.push_back(row);
  }
}

template <typename T>
void BppSolver<T>::solve_rows_batched(std::int64_t begin, std::int64_t end, const double* cross,
                                      double* x) {
  const std::int64_t f = passive_count_;
  const std::int64_t n = end - begin;
  double* b = rhs_.data();
  double* y = gradient_.data();
  for (std::int64_t t = 0; t < n; ++t) {
    const double* c_row = cross + order_[begin + t] * k_;
    for (std::int64_t a = 0; a < f; ++a) b[t * f + a] = c_row[passive_[a]];
  }
  // Row form of x = G_FF^{-1} c: x^T = c^T (U^T U)^{-1} = c^T U^{-1} U^{-T}.
  const auto rows = static_cast<blasint>(n);
  const auto cols = static_cast<blasint>(f);
  cblas_dtrsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, rows, cols, 1.0,
              factor_.data(), cols, b, cols);
  cblas_dtrsm(CblasRowMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, rows, cols, 1.0,
              factor_.data(), cols, b, cols);
  for (std::int64_t a = 0; a < f; ++a) {
    std::copy_n(gram_.data() + passive_[a] * k_, k_, gram_rows_.data() + a * k_);
  }
  gemm(false, false, n, k_, f, 1.0, b, f, gram_rows_.data(), k_, 0.0, y, k_);
  for (std::int64_t t = 0; t < n; ++t) {
    const std::int64_t row = order_[begin + t];
    const double* c_row = cross + row * k_;
    double* x_row = x + row * k_;
    double* y_row = y + t * k_;
    std::fill_n(x_row, k_, 0.0);
    for (std::int64_t a = 0; a < f; ++a) x_row[passive_[a]] = b[t * f + a];
    for (std::int64_t i = 0; i < k_; ++i) y_row[i] -= c_row[i];
    if (!update_passive_set(row, x_row, y_row, c_row)) next_order_.push_back(row);
  }
}

// Kim & Park's rule: exchange every infeasible variable while their number
// keeps falling or backup rounds remain, else only the one with the largest
// index (Murty's rule, which cannot cycle). The group's passive_ and
// complement_ lists say which test applies to each variable.
template <typename T>
bool BppSolver<T>::update_passive_set(std::int64_t row, const double* x_row, const double* y_row,
                                      const double* c_row) {
  double x_scale = 0.0;
  const std::int64_t* passive = passive_.data();
  const std::int64_t f = passive_count_;
  for (std::int64_t a = 0; a < f; ++a) {
    x_scale += sqrt_diag_[passive[a]] * std::abs(x_row[passive[a]]);
  }
  x_scale *= kGradientTolerance;
  exchange_.clear();
  for (std::int64_t a = 0; a < f; ++a) {
    if (x_row[passive[a]] < 0.0) exchange_.push_back(passive[a]);
  }
  const std::size_t passive_count = exchange_.size();
  for (std::int64_t a = 0; a < complement_count_; ++a) {
    const std::int64_t i = complement_[a];
    if (y_row[i] < -(kGradientTolerance * std::abs(c_row[i]) + sqrt_diag_[i] * x_scale)) {
      exchange_.push_back(i);
    }
  }
  const int count = static_cast<int>(exchange_.size());
  if (count == 0) return true;
  std::uint64_t* key = key_.data() + row * words_;
  if (count < infeasible_[row]) {
    infeasible_[row] = count;
    backup_[row] = kBackupRounds;
  } else if (backup_[row] > 0) {
    --backup_[row];
  } else {
    // Both parts of exchange_ are in increasing order.
    std::int64_t largest = exchange_.back();
    if (passive_count > 0) largest = std::max(largest, exchange_[passive_count - 1]);
    flip_bit(key, largest);
    return false;
  }
  for (const std::int64_t i : exchange_) flip_bit(key, i);
  return false;
}

template class BppSolver<double>;
template class BppSolver<float>;

}  // namespace gridnmf::local
