#include "gridnmf/config/report_options.hpp"


namespace gridnmf {

std::string ReportOptions::to_text() const {
  return enabled() ? "report = " + path + "\n" : std::string();
}

}  // namespace gridnmf
