#include "gridnmf/config/report_options.hpp"

#include <filesystem>

#include "gridnmf/error.hpp"

namespace gridnmf {

namespace {

bool same_file(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  return fs::weakly_canonical(a, ignored) == fs::weakly_canonical(b, ignored);
}

}  // namespace

void ReportOptions::validate(const std::string& input, const std::string& output) const {
  if (!enabled()) return;
  if (same_file(path, input)) {
    throw UsageError("--report '" + path + "' is the input file; choose another path");
  }
  if (same_file(path, output)) {
    throw UsageError("--report '" + path + "' is the --output file; choose another path");
  }
}

std::string ReportOptions::to_text() const {
  return enabled() ? "report = " + path + "\n" : std::string();
}

}  // namespace gridnmf
