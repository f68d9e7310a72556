#pragma once

#include <string>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/config/precision.hpp"
#include "gridnmf/config/report_options.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/perf/run_report.hpp"

namespace gridnmf::cli {

// Writes the --report JSON of a finished run of `command` (factorize, unmix)
// when options.enabled(); does nothing otherwise. start_time is the MPI_Wtime
// at which the command started on this rank. Collective over grid.all().
template <typename T>
void write_report_if_requested(const ReportOptions& options, const std::string& command,
                               const ProcessGrid& grid, const Distribution& dist,
                               const SolverSettings& solver, const Factorization<T>& result,
                               double start_time, const perf::SparseInputFacts& sparse = {});

}  // namespace gridnmf::cli
