#pragma once

#include <cstdint>
#include <vector>

namespace gridnmf::local {

// What HySime (Bioucas-Dias & Nascimento 2008, IEEE TGRS 46(8)) finds from
// the band correlation matrix of a scene.
struct HysimeEstimate {
  std::int64_t dimension = 0;          // signal subspace dimension: the number of endmembers
  std::vector<double> noise_variance;  // per band, from multiple regression on the other bands
  double signal_power = 0.0;           // trace of the signal correlation, per pixel
  double noise_power = 0.0;            // sum of noise_variance, per pixel
  double snr_db() const;               // 10 log10(signal_power / noise_power)
};

// HySime from R = V V^T (bands x bands, row-major, symmetric) of a scene with
// `pixels` columns. Noise: each band regressed on all the others (the
// regression coefficients come from R^-1 alone, so no pass over V);
// signal correlation Rx = B R B^T / n with B the regression. The subspace is
// spanned by the eigenvectors e of Rx for which the projected data power
// e^T R e / n exceeds twice the projected noise power e^T Rn e (the
// minimum-mean-squared-error criterion of the paper). A ridge of 1e-9 of the
// mean diagonal keeps dead (all-zero) bands from making R singular. Local.
HysimeEstimate hysime(const std::vector<double>& correlation, std::int64_t bands,
                      std::int64_t pixels);

}  // namespace gridnmf::local
