#include "gridnmf/config/generate_options.hpp"

#include <cmath>

#include "gridnmf/error.hpp"

namespace gridnmf {

void GenerateOptions::validate() const {
  if (rows < 1) throw UsageError("--rows must be a positive integer, got " + std::to_string(rows));
  if (cols < 1) throw UsageError("--cols must be a positive integer, got " + std::to_string(cols));
  if (rank < 1) throw UsageError("--rank must be a positive integer, got " + std::to_string(rank));
  if (!(noise >= 0.0) || !std::isfinite(noise)) throw UsageError("--noise must be a finite value >= 0");
  if (output.empty()) throw UsageError("--output is required");
  if (dataset.empty() || dataset == "W_true" || dataset == "H_true") {
    throw UsageError("--dataset must be a name other than W_true and H_true");
  }
}

}  // namespace gridnmf
