#pragma once

#include <cstdint>
#include <vector>

namespace gridnmf::local {

// Block principal pivoting (Kim & Park 2011, SIAM J. Sci. Comput. 33(6)) for
// many NNLS problems that share one Gram matrix: for every row r of X,
//   min_x 0.5 x^T G x - c_r^T x  subject to x >= 0.
// The local kernel of the ANLS-BPP update; no communication.
//
// Each round, rows whose passive sets agree share one Cholesky factorisation
// of G_FF. A warm start from the previous NMF iteration settles most rows in
// the first round and all in a few. A singular or badly scaled G gives finite
// output: a variable whose diagonal entry of G is not positive stays at zero,
// a passive block that is not numerically positive definite gets a small
// ridge, and a row that pivoting does not settle (Murty's single exchanges
// stall on a singular G) is finished by Lawson & Hanson's active-set method,
// which cannot cycle. Where G is well conditioned and a group keeps at most
// half the variables at zero, its rows skip the factorisation of G_FF: from
// G^{-1} and the unconstrained solutions G^{-1} c (one GEMM per solve), the
// constrained one needs only the small Schur block (G^{-1})_AA of the zero
// set A (see solve_rows_schur). float problems are solved in double. The solver keeps
// its scratch between calls (reuse one per thread across iterations: no
// allocation once it has seen the largest row count).
template <typename T>
class BppSolver {
 public:
  explicit BppSolver(std::int64_t k);

  // gram: G (k x k, row-major, symmetric positive semi-definite); cross: C
  // (rows x k), row r is c_r; x (rows x k): on entry a warm start whose
  // positive entries seed each row's passive set (zeros for a cold start), on
  // exit the solution.
  void solve(const T* gram, const T* cross, std::int64_t rows, T* x);

  // Pivoting rounds of the last solve (the maximum over its rows): 1 when the
  // warm start already had the optimal passive sets.
  int last_rounds() const { return last_rounds_; }

  // Rows of the last solve that pivoting handed to the active-set method.
  std::int64_t last_active_set_rows() const { return static_cast<std::int64_t>(stuck_.size()); }

  // The cap on pivoting rounds, far above the handful BPP needs; rows still
  // unsettled there go to the active-set method too.
  int max_rounds() const { return static_cast<int>(5 * k_ + 50); }

 private:
  // Solves with gram_ already loaded.
  void solve_double(const double* cross, std::int64_t rows, double* x);
  void start_rows(std::int64_t rows, const double* x);
  // Fills passive_ and complement_ from a passive-set key.
  void load_passive_set(const std::uint64_t* key);
  // Rows order_[begin, end) share the passive set group_key_.
  void solve_group(std::int64_t begin, std::int64_t end, const double* cross, double* x);
  bool factor_passive();
  // G^{-1} and the unconstrained solutions of all rows, when G is positive
  // definite with reciprocal condition above kSchurConditionFloor.
  void prepare_inverse(const double* cross, std::int64_t rows);
  // Rows of a group through the Schur block of its zero set; false when the
  // block does not factorise (the caller then takes the direct path).
  bool solve_rows_schur(std::int64_t begin, std::int64_t end, const double* cross, double* x);
  // In place: z (n values) = (U^T U)^{-1} z with the n x n factor in factor_.
  void solve_factored(std::int64_t n, double* z) const;
  bool cholesky_in_place(std::int64_t f);
  // z (passive_count_ values) = G_FF^{-1} c_F with the current factor.
  void solve_passive(const double* c_row, double* z) const;
  void solve_rows_one_by_one(std::int64_t begin, std::int64_t end, const double* cross, double* x);
  void solve_rows_batched(std::int64_t begin, std::int64_t end, const double* cross, double* x);
  // Checks row's KKT conditions and exchanges variables; true when it is solved.
  bool update_passive_set(std::int64_t row, const double* x_row, const double* y_row,
                          const double* c_row);
  // Queues an unsettled row for the next round, or for finish_row.
  void requeue(std::int64_t row);
  // The part of the KKT tolerance that scales with x (see kGradientTolerance).
  double gradient_slack(const double* x_row) const;
  bool gradient_is_negative(std::int64_t i, double y, double c, double slack) const;
  void finish_row(std::int64_t row, const double* c_row, double* x_row);

  std::int64_t k_;
  std::int64_t words_;  // 64-bit words per passive-set key

  std::vector<double> gram_;       // k x k
  std::vector<double> sqrt_diag_;  // sqrt(G_ii), scale of the KKT tolerance
  std::vector<char> fixed_;        // G_ii <= 0: the variable stays at zero

  std::vector<std::uint64_t> key_;  // rows x words_, bit i set when x_i is passive
  std::vector<int> infeasible_;     // Kim & Park's ninf, per row
  std::vector<int> backup_;         // Kim & Park's p, per row
  std::vector<int> single_exchanges_;
  std::vector<std::int64_t> order_;
  std::vector<std::int64_t> next_order_;
  std::vector<std::int64_t> stuck_;  // rows for the active-set method
  std::vector<std::uint64_t> group_key_;

  // The group's passive variables, and the others except fixed ones, in
  // increasing order: the first passive_count_ and complement_count_ entries.
  std::vector<std::int64_t> passive_;
  std::vector<std::int64_t> complement_;
  std::int64_t passive_count_ = 0;
  std::int64_t complement_count_ = 0;
  std::vector<std::int64_t> exchange_;  // one row's infeasible variables
  std::vector<double> factor_;          // U with U^T U = G_FF (+ ridge), row-major
  std::vector<double> pivot_scale_;     // diagonal of the factorised matrix
  std::vector<double> inverse_diag_;    // 1 / U_ii
  std::vector<double> gram_rows_;       // G restricted to the passive rows (f x k)
  std::vector<double> rhs_;             // group right-hand sides, then solutions
  std::vector<double> gradient_;        // G x - c for the group's rows
  std::vector<char> rejected_;          // finish_row: variables that cannot enter

  bool inverse_ready_ = false;
  std::vector<double> inverse_;        // G^{-1} (k x k) when inverse_ready_
  std::vector<double> unconstrained_;  // rows x k: G^{-1} c_r when inverse_ready_
  std::vector<double> coupling_;       // (G^{-1})_FA of the group (f x a)
  std::vector<double> condition_work_;  // LAPACK's condition estimate
  std::vector<int> condition_iwork_;

  std::vector<double> x_copy_;  // double copies for T = float
  std::vector<double> c_copy_;

  int last_rounds_ = 0;
};

}  // namespace gridnmf::local
