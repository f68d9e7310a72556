#pragma once

#include <string>

namespace gridnmf {

// Options shared by the commands that can write a performance report
// (factorize, unmix): --report FILE.json.
struct ReportOptions {
  std::string path;  // empty: no report

  bool enabled() const { return !path.empty(); }

  // "report = PATH\n" when enabled, else "" (for the options stored in results).
  std::string to_text() const;
};

}  // namespace gridnmf
