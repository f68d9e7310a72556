// The Kullback-Leibler tile step for x86-64 cores with AVX2 and FMA, called
// only where the CPU has both (see kl_tile.cpp). Headers first, then the
// target pragma, so inline code shared with other objects stays baseline.
// max(floor, y) in that order: the instruction returns its second operand
// when one is NaN, so a NaN of W H passes through as std::max(y, floor) does.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gridnmf/local/beta_divergence.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif

#ifdef GRIDNMF_HAVE_LIBMVEC
// glibc's vector math library (libmvec), AVX2 variants; its headers declare
// them only under -ffast-math, which this file must not use.
extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256 _ZGVdN8v_logf(__m256);
#endif

namespace gridnmf::local::haswell {

namespace {

__m256d log4(__m256d x) {
#ifdef GRIDNMF_HAVE_LIBMVEC
  return _ZGVdN4v_log(x);
#else
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, x);
  for (double& lane : lanes) lane = std::log(lane);
  return _mm256_load_pd(lanes);
#endif
}

__m256 log8(__m256 x) {
#ifdef GRIDNMF_HAVE_LIBMVEC
  return _ZGVdN8v_logf(x);
#else
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, x);
  for (float& lane : lanes) lane = std::log(lane);
  return _mm256_load_ps(lanes);
#endif
}

double lane_sum(__m256d x) {
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, x);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

// The tail of a row, entry by entry, as kl_tile.cpp's plain loops do.
template <typename T>
void add_tail(const T* v, T* y, std::int64_t from, std::int64_t n, BlockSums* sums) {
  for (std::int64_t c = from; c < n; ++c) {
    const T vv = v[c];
    const T floored = std::max(y[c], beta_floor<T>());
    const T ratio = vv / floored;
    if (sums) {
      const double e = static_cast<double>(vv) - y[c];
      sums->squared_error += e * e;
      sums->divergence += static_cast<double>(floored) - vv;
      if (vv > T(0)) sums->divergence += static_cast<double>(vv) * std::log(ratio);
    }
    y[c] = ratio;
  }
}

// Four entries in double: squared error and divergence terms added to the
// accumulators; log_ratio is 0 where v = 0 (0 log 0 = 0).
inline void add_terms(__m256d v, __m256d wh, __m256d floored, __m256d log_ratio,
                      __m256d& squared, __m256d& divergence) {
  const __m256d e = _mm256_sub_pd(v, wh);
  squared = _mm256_fmadd_pd(e, e, squared);
  divergence = _mm256_add_pd(divergence, _mm256_sub_pd(floored, v));
  divergence = _mm256_fmadd_pd(v, log_ratio, divergence);
}

}  // namespace

void kl_quotient_row(const double* v, double* y, std::int64_t n) {
  const __m256d floor = _mm256_set1_pd(beta_floor<double>());
  std::int64_t c = 0;
  for (; c + 4 <= n; c += 4) {
    const __m256d floored = _mm256_max_pd(floor, _mm256_loadu_pd(y + c));
    _mm256_storeu_pd(y + c, _mm256_div_pd(_mm256_loadu_pd(v + c), floored));
  }
  add_tail<double>(v, y, c, n, nullptr);
}

void kl_quotient_row(const float* v, float* y, std::int64_t n) {
  const __m256 floor = _mm256_set1_ps(beta_floor<float>());
  std::int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    const __m256 floored = _mm256_max_ps(floor, _mm256_loadu_ps(y + c));
    _mm256_storeu_ps(y + c, _mm256_div_ps(_mm256_loadu_ps(v + c), floored));
  }
  add_tail<float>(v, y, c, n, nullptr);
}

BlockSums kl_quotient_row_with_sums(const double* v, double* y, std::int64_t n) {
  const __m256d floor = _mm256_set1_pd(beta_floor<double>());
  const __m256d zero = _mm256_setzero_pd();
  const __m256d one = _mm256_set1_pd(1.0);
  __m256d squared = zero, divergence = zero;
  std::int64_t c = 0;
  for (; c + 4 <= n; c += 4) {
    const __m256d vv = _mm256_loadu_pd(v + c);
    const __m256d wh = _mm256_loadu_pd(y + c);
    const __m256d floored = _mm256_max_pd(floor, wh);
    const __m256d ratio = _mm256_div_pd(vv, floored);
    const __m256d positive = _mm256_cmp_pd(vv, zero, _CMP_GT_OQ);
    add_terms(vv, wh, floored, log4(_mm256_blendv_pd(one, ratio, positive)), squared, divergence);
    _mm256_storeu_pd(y + c, ratio);
  }
  BlockSums sums{lane_sum(divergence), lane_sum(squared)};
  add_tail<double>(v, y, c, n, &sums);
  return sums;
}

BlockSums kl_quotient_row_with_sums(const float* v, float* y, std::int64_t n) {
  const __m256 floor = _mm256_set1_ps(beta_floor<float>());
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256d squared = _mm256_setzero_pd(), divergence = _mm256_setzero_pd();
  std::int64_t c = 0;
  for (; c + 8 <= n; c += 8) {
    const __m256 vv = _mm256_loadu_ps(v + c);
    const __m256 wh = _mm256_loadu_ps(y + c);
    const __m256 floored = _mm256_max_ps(floor, wh);
    const __m256 ratio = _mm256_div_ps(vv, floored);
    const __m256 positive = _mm256_cmp_ps(vv, zero, _CMP_GT_OQ);
    const __m256 log_ratio = log8(_mm256_blendv_ps(one, ratio, positive));
    // The sums in double, four entries at a time, as the plain loop does.
    for (int half = 0; half < 2; ++half) {
      const auto widen = [half](__m256 x) {
        return _mm256_cvtps_pd(half == 0 ? _mm256_castps256_ps128(x)
                                         : _mm256_extractf128_ps(x, 1));
      };
      add_terms(widen(vv), widen(wh), widen(floored), widen(log_ratio), squared, divergence);
    }
    _mm256_storeu_ps(y + c, ratio);
  }
  BlockSums sums{lane_sum(divergence), lane_sum(squared)};
  add_tail<float>(v, y, c, n, &sums);
  return sums;
}

}  // namespace gridnmf::local::haswell

#if defined(__clang__)
#pragma clang attribute pop
#endif
