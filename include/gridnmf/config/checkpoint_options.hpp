#pragma once

#include <string>

namespace gridnmf {

// --checkpoint FILE, --checkpoint-every N, --checkpoint-interval SECONDS and
// --resume, shared by the commands that iterate.
struct CheckpointOptions {
  std::string path;               // empty: no checkpoints
  int every = 0;                  // write after every N-th iteration; 0: off
  double interval_seconds = 0.0;  // write when this many loop seconds passed since the last; 0: off
  bool resume = false;            // continue from `path`

  bool enabled() const { return !path.empty(); }
  // Throws UsageError naming the option (FactorizeOptions::validate checks
  // that the path is none of the command's other files). Replicated.
  void validate() const;
  // "key = value" lines in INI syntax (nothing when checkpoints are off).
  std::string to_text() const;
};

}  // namespace gridnmf
