#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::unmix {

// Spectral angle arccos(a.b / (|a| |b|)) in radians, in [0, pi]; pi/2 when
// either vector is zero (no direction to compare).
double spectral_angle(const std::vector<double>& a, const std::vector<double>& b);

// The k_true x k_est matrix of spectral angles between the columns of
// w_true (m x k_true) and w_est (m x k_est); entry (t, e) at t * k_est + e.
std::vector<double> sad_matrix(const LocalMatrix<double>& w_true, const LocalMatrix<double>& w_est);

// Abundance RMSE per ../shared/data/README.md: each column (pixel) of h_est
// is scaled to sum 1 (a zero column stays zero), row estimate[t] of h_est is
// compared with row t of h_true, and the result is the square root of the
// mean squared difference over all k x n entries.
double abundance_rmse(const LocalMatrix<double>& h_true, const LocalMatrix<double>& h_est,
                      const std::vector<int>& estimate);

// Scores of an unmixing result against ground truth.
struct UnmixingScores {
  std::vector<int> estimate;   // estimate[t]: the estimated endmember matched to true one t
  std::vector<double> sad;     // sad[t]: angle between true t and estimate[t], radians
  double mean_sad = 0.0;
  std::optional<double> rmse;  // absent when no abundances were compared
};

// Matches estimated to true endmembers by the Hungarian assignment on the SAD
// matrix, then scores them; h_true/h_est may be null (no RMSE). Shapes must
// agree (the caller checks and reports them). Local, no MPI.
UnmixingScores score_unmixing(const LocalMatrix<double>& w_true, const LocalMatrix<double>& w_est,
                              const LocalMatrix<double>* h_true, const LocalMatrix<double>* h_est);

}  // namespace gridnmf::unmix
