#include "gridnmf/cli/report_option.hpp"

namespace po = boost::program_options;

namespace gridnmf::cli {

void add_report_options(po::options_description& description, ReportOptions& options) {
  description.add_options()
      ("report", po::value(&options.path),
       "write a JSON performance report (phases, bytes per collective, GFLOP/s, peak RSS) to FILE.json");
}

}  // namespace gridnmf::cli
