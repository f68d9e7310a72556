#include "gridnmf/local/instruction_set.hpp"

namespace gridnmf::local {

bool use_haswell_kernels() {
#ifdef GRIDNMF_HASWELL_KERNELS
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
#else
  return false;
#endif
}

}  // namespace gridnmf::local
