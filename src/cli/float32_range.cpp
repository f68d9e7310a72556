#include "float32_range.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf::cli {

namespace {

constexpr std::int64_t kPanelEntries = std::int64_t{1} << 22;  // 32 MiB of float64

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

}  // namespace

void refuse_beyond_float32(const ProcessGrid& grid, io::MatrixSource& input,
                           const LocalMatrix<float>& block, const IndexRange& rows,
                           const IndexRange& cols) {
  if (input.stored_type() != "float64") return;
  double summary[2] = {0.0, 0.0};  // any infinity, largest finite entry
  for (const float value : block.values) {
    if (std::isinf(value)) summary[0] = 1.0;
    if (std::isfinite(value)) summary[1] = std::max(summary[1], std::abs(static_cast<double>(value)));
  }
  comm::allreduce_max(grid.all(), summary, 2);
  const bool suspicious = summary[0] > 0.0 || summary[1] < std::ldexp(1.0, -100);
  if (!suspicious) return;

  // Every rank reads the same number of panels (empty ones past its block).
  const std::int64_t panel_rows = std::max<std::int64_t>(1, kPanelEntries / std::max<std::int64_t>(cols.size, 1));
  std::int64_t panels = (rows.size + panel_rows - 1) / panel_rows;
  comm::allreduce_max(grid.all(), &panels, 1);
  double counts[2] = {0.0, 0.0};  // above float32's largest, below its smallest normal
  double extremes[2] = {0.0, 0.0};  // largest entry, -smallest nonzero entry
  extremes[1] = -HUGE_VAL;
  for (std::int64_t p = 0; p < panels; ++p) {
    const std::int64_t begin = std::min(rows.size, p * panel_rows);
    const std::int64_t size = std::min(panel_rows, rows.size - begin);
    const LocalMatrix<double> panel =
        input.read_block<double>(IndexRange{rows.begin + begin, size}, cols);
    for (const double value : panel.values) {
      const double magnitude = std::abs(value);
      if (!std::isfinite(magnitude) || magnitude == 0.0) continue;
      if (magnitude > FLT_MAX) counts[0] += 1.0;
      if (magnitude < FLT_MIN) counts[1] += 1.0;
      extremes[0] = std::max(extremes[0], magnitude);
      extremes[1] = std::max(extremes[1], -magnitude);
    }
  }
  comm::allreduce_sum(grid.all(), counts, 2);
  comm::allreduce_max(grid.all(), extremes, 2);
  if (counts[0] == 0.0 && counts[1] == 0.0) return;
  throw Error(input.description() + " holds float64 values beyond float32's range (" +
              (counts[0] > 0.0 ? number_text(counts[0]) + " above 3.4e38, largest " +
                                     number_text(extremes[0])
                               : number_text(counts[1]) + " nonzero below 1.2e-38, smallest " +
                                     number_text(-extremes[1])) +
              "); run with --precision float64, where gridnmf scales such data exactly");
}

}  // namespace gridnmf::cli
