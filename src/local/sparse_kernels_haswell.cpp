// The sparse kernels for x86-64 cores with AVX2 and FMA (Haswell and later,
// every AMD Zen): compiled with -mavx2 -mfma (CMakeLists.txt), called only
// where the CPU has both.
#define GRIDNMF_KERNEL_ISA haswell
#include "sparse_kernels.inc"
