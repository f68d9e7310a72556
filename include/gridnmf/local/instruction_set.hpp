#pragma once

namespace gridnmf::local {

// True where the build compiled kernels for AVX2 + FMA (x86-64, see
// CMakeLists.txt; today the sparse kernels: the HALS sweep measured no gain)
// and this CPU runs them. Fixed for the process, so every
// call of a kernel takes the same path and repeated runs round alike.
bool use_haswell_kernels();

}  // namespace gridnmf::local
