#include "gridnmf/perf/memory_budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gridnmf/error.hpp"

namespace gridnmf::perf {

namespace {

// MemAvailable in bytes, or -1.
double meminfo_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    double kib = 0.0;
    if (fields >> kib) return kib * 1024.0;
  }
  return -1.0;
}

// A number from a cgroup v2 file, or -1 ("max", missing, unreadable).
double cgroup_value(const char* path) {
  std::ifstream file(path);
  std::string text;
  if (!(file >> text) || text == "max") return -1.0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' ? value : -1.0;
}

// The node's available bytes, or -1.
double node_available() {
  if (const char* limit = std::getenv("GRIDNMF_TEST_MEMORY_LIMIT_BYTES")) {
    return std::strtod(limit, nullptr);
  }
  double available = meminfo_available();
  const double limit = cgroup_value("/sys/fs/cgroup/memory.max");
  if (limit >= 0.0) {
    const double used = std::max(cgroup_value("/sys/fs/cgroup/memory.current"), 0.0);
    const double room = std::max(limit - used, 0.0);
    available = available < 0.0 ? room : std::min(available, room);
  }
  return available;
}

}  // namespace

std::string byte_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 6) {
    bytes /= 1024.0;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.3g %s", bytes, units[unit]);
  return text;
}

double memory_per_rank(MPI_Comm comm) {
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int ranks_on_node = 1;
  MPI_Comm_size(node, &ranks_on_node);
  MPI_Comm_free(&node);
  const double available = node_available();
  // Unknown counts as unlimited in the minimum, and stays negative if all are.
  double per_rank = available < 0.0 ? HUGE_VAL : available / ranks_on_node;
  MPI_Allreduce(MPI_IN_PLACE, &per_rank, 1, MPI_DOUBLE, MPI_MIN, comm);
  return std::isinf(per_rank) ? -1.0 : per_rank;
}

void check_memory(MPI_Comm comm, const std::string& what,
                  const std::function<MemoryNeed(int ranks)>& need_on) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const double available = memory_per_rank(comm);
  const MemoryNeed need = need_on(ranks);
  if (available < 0.0 || need.total() <= available) return;
  // The smallest rank count that fits, if each added rank brings as much.
  std::int64_t low = ranks, high = ranks;
  constexpr std::int64_t kMostRanks = std::int64_t{1} << 30;
  while (high < kMostRanks && need_on(static_cast<int>(high)).total() > available) {
    low = high;
    high = std::min(high * 2, kMostRanks);
  }
  const bool fits = need_on(static_cast<int>(high)).total() <= available;
  while (fits && high - low > 1) {
    const std::int64_t mid = low + (high - low) / 2;
    (need_on(static_cast<int>(mid)).total() <= available ? high : low) = mid;
  }
  throw Error(what + " needs about " + byte_text(need.total()) + " per rank on " +
              std::to_string(ranks) + (ranks == 1 ? " rank" : " ranks") + " (V block " +
              byte_text(need.data) + ", factors " + byte_text(need.factors) + ") but " +
              byte_text(available) + " is available per rank; " +
              (fits ? "about " + std::to_string(high) +
                          " ranks with that much memory each would fit"
                    : "no number of ranks up to " + std::to_string(kMostRanks) + " fits it"));
}

}  // namespace gridnmf::perf
