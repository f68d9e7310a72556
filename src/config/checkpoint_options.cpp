#include "gridnmf/config/checkpoint_options.hpp"

#include <filesystem>
#include <sstream>

#include "gridnmf/error.hpp"

namespace gridnmf {

namespace {

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  return fs::weakly_canonical(a, ignored) == fs::weakly_canonical(b, ignored);
}

}  // namespace

void CheckpointOptions::validate(const std::string& input, const std::string& output) const {
  if (every < 0) throw UsageError("--checkpoint-every must be >= 0");
  if (!(interval_seconds >= 0.0)) throw UsageError("--checkpoint-interval must be >= 0");
  if (!enabled()) {
    if (resume) throw UsageError("--resume needs --checkpoint FILE");
    if (every > 0 || interval_seconds > 0) {
      throw UsageError("--checkpoint-every and --checkpoint-interval need --checkpoint FILE");
    }
    return;
  }
  if (same_file(path, input)) {
    throw UsageError("--checkpoint '" + path + "' is the input file; choose another path");
  }
  if (same_file(path, output)) {
    throw UsageError("--checkpoint '" + path + "' is the --output file; choose another path");
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
