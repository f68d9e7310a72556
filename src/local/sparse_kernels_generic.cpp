// The sparse kernels with the build's default instruction set.
#define GRIDNMF_KERNEL_ISA generic
#include "sparse_kernels.inc"
