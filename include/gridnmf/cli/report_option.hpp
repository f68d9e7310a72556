#pragma once

#include <boost/program_options.hpp>

#include "gridnmf/config/report_options.hpp"

namespace gridnmf::cli {

// Adds --report FILE.json (and any later report options) to a command's
// option list, bound to `options`.
void add_report_options(boost::program_options::options_description& description,
                        ReportOptions& options);

}  // namespace gridnmf::cli
