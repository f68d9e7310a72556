#include "gridnmf/cli/run_report.hpp"

#include <mpi.h>

#include "gridnmf/perf/run_report.hpp"
#include "gridnmf/perf/traffic_model.hpp"

namespace gridnmf::cli {

template <typename T>
void write_report_if_requested(const ReportOptions& options, const std::string& command,
                               const ProcessGrid& grid, const Distribution& dist,
                               const SolverSettings& solver, const Factorization<T>& result,
                               double start_time, const perf::SparseInputFacts& sparse) {
  if (!options.enabled()) return;
  const std::int64_t k = result.w_own.cols;
  perf::RunFacts facts;
  facts.command = command;
  facts.grid = grid.shape();
  facts.rows = dist.rows();
  facts.cols = dist.cols();
  facts.rank = k;
  facts.precision = to_string(sizeof(T) == sizeof(float) ? Precision::kFloat32 : Precision::kFloat64);
  facts.algorithm = to_string(solver.algorithm);
  facts.loss = to_string(solver.loss);
  facts.iterations = result.iterations;
  facts.flops_per_iteration = flops_per_iteration(dist, k, solver.loss, sparse.nonzeros);
  facts.sparse = sparse;
  facts.model_bytes_per_iteration = perf::model_bytes_per_iteration(dist, k, sizeof(T), solver.loss);
  facts.total_seconds = MPI_Wtime() - start_time;
  perf::write_run_report(grid.all(), options.path, facts);
}

template void write_report_if_requested<double>(const ReportOptions&, const std::string&,
                                                const ProcessGrid&, const Distribution&,
                                                const SolverSettings&,
                                                const Factorization<double>&, double,
                                                const perf::SparseInputFacts&);
template void write_report_if_requested<float>(const ReportOptions&, const std::string&,
                                               const ProcessGrid&, const Distribution&,
                                               const SolverSettings&, const Factorization<float>&,
                                               double, const perf::SparseInputFacts&);

}  // namespace gridnmf::cli
