#pragma once

#include <cstdint>

namespace gridnmf::perf {

// This process's peak resident set in bytes: VmHWM from /proc/self/status,
// or getrusage's ru_maxrss where /proc is missing. Local.
std::int64_t peak_rss_bytes();

}  // namespace gridnmf::perf
