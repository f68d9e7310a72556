// The sparse kernels for x86-64 cores with AVX2 and FMA (Haswell and later,
// every AMD Zen), called only where the CPU has both. The headers come first
// and the target pragma after them, so the inline functions those headers
// define (shared with the other object files) stay compiled for the
// baseline: only the kernels below use AVX2.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/sparse_products.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif

#define GRIDNMF_KERNEL_ISA haswell
#include "sparse_kernels.inc"

#if defined(__clang__)
#pragma clang attribute pop
#endif
