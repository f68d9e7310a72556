#include "gridnmf/config/checkpoint_options.hpp"

#include <sstream>

#include "gridnmf/error.hpp"

namespace gridnmf {

void CheckpointOptions::validate() const {
  if (every < 0) throw UsageError("--checkpoint-every must be >= 0");
  if (!(interval_seconds >= 0.0)) throw UsageError("--checkpoint-interval must be >= 0");
  if (!enabled()) {
    if (resume) throw UsageError("--resume needs --checkpoint FILE");
    if (every > 0 || interval_seconds > 0) {
      throw UsageError("--checkpoint-every and --checkpoint-interval need --checkpoint FILE");
    }
  }
}

std::string CheckpointOptions::to_text() const {
  if (!enabled()) return "";
  std::ostringstream text;
  text.precision(17);
  text << "checkpoint = " << path << "\n"
       << "checkpoint-every = " << every << "\n"
       << "checkpoint-interval = " << interval_seconds << "\n"
       << "resume = " << (resume ? "true" : "false") << "\n";
  return text.str();
}

}  // namespace gridnmf
