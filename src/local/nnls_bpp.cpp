#include "gridnmf/local/nnls_bpp.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "fortran_blas.hpp"
#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

namespace {

// Kim & Park's p: full exchanges allowed while the infeasible count fails to drop.
constexpr int kBackupRounds = 3;
// Single exchanges (Murty's rule) a row may make before the active-set method
// takes it over. Well-posed problems rarely need one, but on a singular G
// (k above the other factor's row count) Murty's rule can take hundreds of
// rounds, one factorisation each: measured at k = 64 with G of rank 40, the
// solve took 4.4 s with no limit, 0.85 s with 8 and 0.7 s with 3.
constexpr int kSingleExchangeLimit = 3;
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
// Passive sets from this size on are factorised by LAPACK. Measured: the
// blocked loop takes 2.1 us at 40 (dpotrf 2.5), both 3.2 at 48, and at 64
// dpotrf takes 5.0 against 6.6.
constexpr std::int64_t kLapackCholesky = 48;

// The Schur path needs G^{-1} accurate to a few digits more than the answer:
// LAPACK's estimate of 1 / cond_1(G) above this.
constexpr double kSchurConditionFloor = 1e-6;

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
      gram_rows_(k * k),
      rejected_(k) {
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
  stuck_.clear();
  if (rows <= 0 || k_ == 0) return;
  for (std::int64_t i = 0; i < k_; ++i) {
    const double d = gram_[i * k_ + i];
    fixed_[i] = !(d > 0.0);
    sqrt_diag_[i] = fixed_[i] ? 0.0 : std::sqrt(d);
  }
  start_rows(rows, x);
  prepare_inverse(cross, rows);
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
  while (!order_.empty()) {
    if (last_rounds_ == max_rounds()) {
      stuck_.insert(stuck_.end(), order_.begin(), order_.end());
      break;
    }
    ++last_rounds_;
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
  }
  for (const std::int64_t row : stuck_) finish_row(row, cross + row * k_, x + row * k_);
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
  single_exchanges_.assign(rows, 0);
  order_.resize(rows);
  for (std::int64_t r = 0; r < rows; ++r) order_[r] = r;
  next_order_.reserve(rows);
}

template <typename T>
void BppSolver<T>::load_passive_set(const std::uint64_t* key) {
  // Branch-free: the bits of a passive set are as good as random.
  passive_count_ = 0;
  complement_count_ = 0;
  for (std::int64_t i = 0; i < k_; ++i) {
    const bool passive = test_bit(key, i);
    passive_[passive_count_] = i;
    complement_[complement_count_] = i;
    passive_count_ += passive;
    complement_count_ += !passive && !fixed_[i];
  }
}

template <typename T>
void BppSolver<T>::solve_group(std::int64_t begin, std::int64_t end, const double* cross,
                               double* x) {
  load_passive_set(group_key_.data());
  // The Schur block (a x a) costs less than G_FF (f x f) where a <= f.
  if (inverse_ready_ && complement_count_ <= passive_count_ &&
      solve_rows_schur(begin, end, cross, x)) {
    return;
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

// Cholesky of the upper triangle of factor_ (f x f), U^T U = A. Below
// kLapackCholesky a right-looking loop over panels of four rows: each panel
// updates the trailing rows in one pass of contiguous, vectorisable row
// updates. From there on LAPACK's dpotrf (its SIMD kernels) is faster. Either
// way a pivot below kPivotTolerance of its diagonal entry counts as a failure.
template <typename T>
bool BppSolver<T>::cholesky_in_place(std::int64_t f) {
  double* u = factor_.data();
  if (f >= kLapackCholesky) {
    // Row-major upper is column-major lower.
    const int n = static_cast<int>(f);
    int info = 0;
    dpotrf_("L", &n, u, &n, &info, 1);
    if (info != 0) return false;
    for (std::int64_t i = 0; i < f; ++i) {
      const double diag = u[i * f + i];
      if (!(diag * diag > kPivotTolerance * pivot_scale_[i])) return false;
    }
    return true;
  }
  for (std::int64_t first = 0; first < f; first += 4) {
    const std::int64_t last = std::min(first + 4, f);  // panel rows [first, last)
    for (std::int64_t i = first; i < last; ++i) {
      double* row = u + i * f;
      const double pivot = row[i];
      if (!(pivot > kPivotTolerance * pivot_scale_[i])) return false;
      const double diag = std::sqrt(pivot);
      const double inverse = 1.0 / diag;
      row[i] = diag;
      for (std::int64_t j = i + 1; j < f; ++j) row[j] *= inverse;
      for (std::int64_t j = i + 1; j < last; ++j) axpy(f - j, -row[j], row + j, u + j * f + j);
    }
    if (last - first < 4) {
      for (std::int64_t i = first; i < last; ++i) {
        const double* row = u + i * f;
        for (std::int64_t j = last; j < f; ++j) axpy(f - j, -row[j], row + j, u + j * f + j);
      }
      continue;
    }
    const double* r0 = u + first * f;
    const double* r1 = r0 + f;
    const double* r2 = r1 + f;
    const double* r3 = r2 + f;
    for (std::int64_t j = last; j < f; ++j) {
      const double a0 = r0[j], a1 = r1[j], a2 = r2[j], a3 = r3[j];
      double* target = u + j * f;
      for (std::int64_t l = j; l < f; ++l) {
        target[l] -= (a0 * r0[l] + a1 * r1[l]) + (a2 * r2[l] + a3 * r3[l]);
      }
    }
  }
  return true;
}

template <typename T>
void BppSolver<T>::solve_passive(const double* c_row, double* z) const {
  for (std::int64_t a = 0; a < passive_count_; ++a) z[a] = c_row[passive_[a]];
  solve_factored(passive_count_, z);
}

template <typename T>
void BppSolver<T>::solve_factored(std::int64_t f, double* z) const {
  const double* u = factor_.data();
  for (std::int64_t j = 0; j < f; ++j) {  // U^T w = z
    z[j] *= inverse_diag_[j];
    axpy(f - j - 1, -z[j], u + j * f + j + 1, z + j + 1);
  }
  for (std::int64_t j = f - 1; j >= 0; --j) {  // U z = w
    z[j] = (z[j] - dot(f - j - 1, u + j * f + j + 1, z + j + 1)) * inverse_diag_[j];
  }
}

template <typename T>
void BppSolver<T>::prepare_inverse(const double* cross, std::int64_t rows) {
  inverse_ready_ = false;
  if (std::any_of(fixed_.begin(), fixed_.end(), [](char f) { return f != 0; })) return;
  inverse_ = gram_;
  const int n = static_cast<int>(k_);
  int info = 0;
  dpotrf_("L", &n, inverse_.data(), &n, &info, 1);
  if (info != 0) return;
  double norm = 0.0;  // 1-norm of G
  for (std::int64_t j = 0; j < k_; ++j) {
    double column = 0.0;
    for (std::int64_t i = 0; i < k_; ++i) column += std::abs(gram_[i * k_ + j]);
    norm = std::max(norm, column);
  }
  double rcond = 0.0;
  condition_work_.resize(3 * k_);
  condition_iwork_.resize(k_);
  dpocon_("L", &n, inverse_.data(), &n, &norm, &rcond, condition_work_.data(),
          condition_iwork_.data(), &info, 1);
  if (info != 0 || !(rcond > kSchurConditionFloor)) return;
  dpotri_("L", &n, inverse_.data(), &n, &info, 1);
  if (info != 0) return;
  // dpotri fills one triangle (column-major lower = row-major upper): mirror it.
  for (std::int64_t i = 0; i < k_; ++i)
    for (std::int64_t j = i + 1; j < k_; ++j) inverse_[j * k_ + i] = inverse_[i * k_ + j];
  if (static_cast<std::int64_t>(unconstrained_.size()) < rows * k_) unconstrained_.resize(rows * k_);
  // Row r: c_r^T G^{-1} (G^{-1} is symmetric).
  gemm(false, false, rows, k_, k_, 1.0, cross, k_, inverse_.data(), k_, 0.0,
       unconstrained_.data(), k_);
  coupling_.resize(k_ * k_);
  inverse_ready_ = true;
}

// With the zero set A (complement_) and z = G^{-1} c the unconstrained
// solution, the minimiser with x_A = 0 is x = z - (G^{-1})_{:A} S^{-1} z_A,
// S = (G^{-1})_AA: the multipliers lambda = -S^{-1} z_A make x_A zero, and
// the gradient G x - c is lambda on A and zero on F (the exchange test still
// forms it on A from G, as the direct path does). Per row a^2 + f a + a k
// flops after one a^3 / 3 factorisation of S per group, instead of
// f^3 / 3 + 2 f^2 + a k.
template <typename T>
bool BppSolver<T>::solve_rows_schur(std::int64_t begin, std::int64_t end, const double* cross,
                                    double* x) {
  const std::int64_t a = complement_count_, f = passive_count_;
  for (std::int64_t i = 0; i < a; ++i) {
    const double* inverse_row = inverse_.data() + complement_[i] * k_;
    for (std::int64_t j = i; j < a; ++j) factor_[i * a + j] = inverse_row[complement_[j]];
    pivot_scale_[i] = factor_[i * a + i];
  }
  if (a > 0 && !cholesky_in_place(a)) return false;
  for (std::int64_t i = 0; i < a; ++i) inverse_diag_[i] = 1.0 / factor_[i * a + i];
  for (std::int64_t p = 0; p < f; ++p) {
    const double* inverse_row = inverse_.data() + passive_[p] * k_;
    for (std::int64_t j = 0; j < a; ++j) coupling_[p * a + j] = inverse_row[complement_[j]];
  }
  double* lambda = rhs_.data();
  double* y = gradient_.data();
  for (std::int64_t t = begin; t < end; ++t) {
    const std::int64_t row = order_[t];
    const double* z = unconstrained_.data() + row * k_;
    double* x_row = x + row * k_;
    for (std::int64_t j = 0; j < a; ++j) lambda[j] = z[complement_[j]];
    solve_factored(a, lambda);
    for (std::int64_t j = 0; j < a; ++j) lambda[j] = -lambda[j];
    std::fill_n(x_row, k_, 0.0);
    for (std::int64_t p = 0; p < f; ++p) {
      x_row[passive_[p]] = z[passive_[p]] + dot(a, coupling_.data() + p * a, lambda);
    }
    // The gradient on A is lambda in exact arithmetic; formed as G x - c, as
    // the direct path does, so the exchange test's rounding bound holds
    // whatever G^{-1}'s condition.
    const double* c_row = cross + row * k_;
    for (std::int64_t j = 0; j < a; ++j) {
      const std::int64_t i = complement_[j];
      y[i] = dot(k_, gram_.data() + i * k_, x_row) - c_row[i];
    }
    if (!update_passive_set(row, x_row, y, c_row)) requeue(row);
  }
  return true;
}

template <typename T>
void BppSolver<T>::solve_rows_one_by_one(std::int64_t begin, std::int64_t end, const double* cross,
                                         double* x) {
  double* z = rhs_.data();
  double* y = gradient_.data();
  for (std::int64_t t = begin; t < end; ++t) {
    const std::int64_t row = order_[t];
    const double* c_row = cross + row * k_;
    double* x_row = x + row * k_;
    solve_passive(c_row, z);
    std::fill_n(x_row, k_, 0.0);
    for (std::int64_t a = 0; a < passive_count_; ++a) x_row[passive_[a]] = z[a];
    // The gradient is needed outside the passive set only (inside it is zero).
    for (std::int64_t a = 0; a < complement_count_; ++a) {
      const std::int64_t i = complement_[a];
      y[i] = dot(k_, gram_.data() + i * k_, x_row) - c_row[i];
    }
    if (!update_passive_set(row, x_row, y, c_row)) requeue(row);
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
  // Row-major B (n x f) times U^{-1} from the right is, column-major, the
  // left solve with the lower factor L = U^T stored in the same memory.
  const auto rows = static_cast<int>(n);
  const auto cols = static_cast<int>(f);
  const double one = 1.0;
  dtrsm_("L", "L", "N", "N", &cols, &rows, &one, factor_.data(), &cols, b, &cols, 1, 1, 1, 1);
  dtrsm_("L", "L", "T", "N", &cols, &rows, &one, factor_.data(), &cols, b, &cols, 1, 1, 1, 1);
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
    if (!update_passive_set(row, x_row, y_row, c_row)) requeue(row);
  }
}

template <typename T>
void BppSolver<T>::requeue(std::int64_t row) {
  (single_exchanges_[row] > kSingleExchangeLimit ? stuck_ : next_order_).push_back(row);
}

template <typename T>
double BppSolver<T>::gradient_slack(const double* x_row) const {
  double sum = 0.0;
  for (std::int64_t a = 0; a < passive_count_; ++a) {
    sum += sqrt_diag_[passive_[a]] * std::abs(x_row[passive_[a]]);
  }
  return kGradientTolerance * sum;
}

template <typename T>
bool BppSolver<T>::gradient_is_negative(std::int64_t i, double y, double c, double slack) const {
  return y < -(kGradientTolerance * std::abs(c) + sqrt_diag_[i] * slack);
}

// Kim & Park's rule: exchange every infeasible variable while their number
// keeps falling or backup rounds remain, else only the one with the largest
// index (Murty's rule, which cannot cycle). The group's passive_ and
// complement_ lists say which test applies to each variable.
template <typename T>
bool BppSolver<T>::update_passive_set(std::int64_t row, const double* x_row, const double* y_row,
                                      const double* c_row) {
  const double slack = gradient_slack(x_row);
  exchange_.clear();
  for (std::int64_t a = 0; a < passive_count_; ++a) {
    if (x_row[passive_[a]] < 0.0) exchange_.push_back(passive_[a]);
  }
  const std::size_t negative_x = exchange_.size();
  for (std::int64_t a = 0; a < complement_count_; ++a) {
    const std::int64_t i = complement_[a];
    if (gradient_is_negative(i, y_row[i], c_row[i], slack)) exchange_.push_back(i);
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
    if (negative_x > 0) largest = std::max(largest, exchange_[negative_x - 1]);
    flip_bit(key, largest);
    ++single_exchanges_[row];
    return false;
  }
  for (const std::int64_t i : exchange_) flip_bit(key, i);
  return false;
}

// Lawson & Hanson's active-set method for one row, from its last iterate made
// feasible. Every step lowers the objective, so it settles where pivoting
// stalls (a singular G); it adds one variable per factorisation, which is why
// it only finishes the rows pivoting gives up on.
template <typename T>
void BppSolver<T>::finish_row(std::int64_t row, const double* c_row, double* x_row) {
  std::uint64_t* key = key_.data() + row * words_;
  std::fill_n(key, words_, 0);
  for (std::int64_t i = 0; i < k_; ++i) {
    if (x_row[i] > 0.0 && !fixed_[i]) {
      flip_bit(key, i);
    } else {
      x_row[i] = 0.0;
    }
  }
  double* z = rhs_.data();
  std::fill(rejected_.begin(), rejected_.end(), 0);
  std::int64_t entering = -1;
  // Each step adds or drops a variable; in exact arithmetic no set repeats, so
  // the cap only stops rounding from wandering. x stays feasible throughout.
  const std::int64_t max_steps = 10 * k_ + 50;
  for (std::int64_t step = 0; step < max_steps; ++step) {
    load_passive_set(key);
    if (passive_count_ > 0) {
      if (!factor_passive()) {
        std::fill_n(x_row, k_, 0.0);
        return;
      }
      solve_passive(c_row, z);
    }
    // Move from x towards the subproblem solution z, stopping where the first
    // passive variable reaches zero; that variable leaves the passive set.
    double alpha = 1.0;
    std::int64_t blocking = -1;
    for (std::int64_t a = 0; a < passive_count_; ++a) {
      const double xi = x_row[passive_[a]];
      if (z[a] <= 0.0 && xi / (xi - z[a]) < alpha) {
        alpha = xi / (xi - z[a]);
        blocking = a;
      }
    }
    if (blocking >= 0 && alpha == 0.0 && passive_[blocking] == entering) {
      // Rounding: the variable just added cannot move. Leave it out for good.
      flip_bit(key, entering);
      rejected_[entering] = 1;
      entering = -1;
      continue;
    }
    if (blocking >= 0) {
      for (std::int64_t a = 0; a < passive_count_; ++a) {
        double& xi = x_row[passive_[a]];
        xi += alpha * (z[a] - xi);
        if (a == blocking || xi <= 0.0) {
          xi = 0.0;
          flip_bit(key, passive_[a]);
        }
      }
      continue;
    }
    for (std::int64_t a = 0; a < passive_count_; ++a) x_row[passive_[a]] = z[a];
    // Add the variable whose gradient is most negative relative to its scale.
    const double slack = gradient_slack(x_row);
    entering = -1;
    double steepest = 0.0;
    for (std::int64_t a = 0; a < complement_count_; ++a) {
      const std::int64_t i = complement_[a];
      if (rejected_[i]) continue;
      const double y = dot(k_, gram_.data() + i * k_, x_row) - c_row[i];
      if (gradient_is_negative(i, y, c_row[i], slack) && y / sqrt_diag_[i] < steepest) {
        steepest = y / sqrt_diag_[i];
        entering = i;
      }
    }
    if (entering < 0) return;
    flip_bit(key, entering);
  }
}

template class BppSolver<double>;
template class BppSolver<float>;

}  // namespace gridnmf::local
