#pragma once

// The serial oracle for SPA: the textbook algorithm on a whole matrix, with
// the residual matrix formed and projected explicitly.
#include <cmath>
#include <cstdint>
#include <vector>

#include "serial_reference.hpp"

namespace gridnmf::reference {

// Gillis & Vavasis: k times, take the column of R (initially V) with the
// largest norm (first index on ties; squared residuals below 1e-12 of the
// largest squared column norm of V count as zero), then R <- (I - u u^T) R with u that
// column normalised.
inline std::vector<std::int64_t> spa(const Dense& v, std::int64_t k) {
  Dense r = v;
  std::vector<char> chosen(static_cast<size_t>(v.cols), 0);
  double largest = 0.0;
  for (std::int64_t c = 0; c < v.cols; ++c) {
    double norm2 = 0.0;
    for (std::int64_t i = 0; i < v.rows; ++i) norm2 += v(i, c) * v(i, c);
    largest = std::max(largest, norm2);
  }
  const double floor = 1e-12 * largest;
  std::vector<std::int64_t> columns;
  for (std::int64_t step = 0; step < k; ++step) {
    std::int64_t best = -1;
    double best_score = -1.0;
    for (std::int64_t c = 0; c < v.cols; ++c) {
      if (chosen[c]) continue;
      double norm2 = 0.0;
      for (std::int64_t i = 0; i < v.rows; ++i) norm2 += r(i, c) * r(i, c);
      const double score = norm2 > floor ? norm2 : 0.0;
      if (score > best_score) {
        best_score = score;
        best = c;
      }
    }
    columns.push_back(best);
    chosen[best] = 1;
    if (best_score <= 0.0) continue;
    std::vector<double> u(static_cast<size_t>(v.rows));
    const double norm = std::sqrt(best_score);
    for (std::int64_t i = 0; i < v.rows; ++i) u[i] = r(i, best) / norm;
    for (std::int64_t c = 0; c < v.cols; ++c) {
      double dot = 0.0;
      for (std::int64_t i = 0; i < v.rows; ++i) dot += u[i] * r(i, c);
      for (std::int64_t i = 0; i < v.rows; ++i) r(i, c) -= dot * u[i];
    }
  }
  return columns;
}

// Spectral angle arccos(a.b / (|a| |b|)) between columns a of x and b of y.
inline double spectral_angle(const Dense& x, std::int64_t a, const Dense& y, std::int64_t b) {
  double xy = 0.0, xx = 0.0, yy = 0.0;
  for (std::int64_t i = 0; i < x.rows; ++i) {
    xy += x(i, a) * y(i, b);
    xx += x(i, a) * x(i, a);
    yy += y(i, b) * y(i, b);
  }
  return std::acos(std::max(-1.0, std::min(1.0, xy / std::sqrt(xx * yy))));
}

}  // namespace gridnmf::reference
