#include "gridnmf/cli/commands.hpp"
#include "gridnmf/config/normalization.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "fixed_w.hpp"

namespace gridnmf::cli {

namespace {

// The factorize run that is this transform: the model's W fixed, its loss,
// and either one exact NNLS solve (Frobenius: BPP finds the minimiser in one
// H half, whatever the start) or MU iterations (other losses).
FactorizeOptions as_fixed_w_run(const TransformOptions& options, const FixedWFile& model) {
  FactorizeOptions run;
  run.input = options.input;
  run.dataset = options.dataset;
  run.transpose = options.transpose;
  run.permute_sparse = options.permute_sparse;
  run.fix_w = options.model;
  run.fix_w_option = "--model";
  run.solver.fix_w = true;
  run.solver.loss = model.loss.empty() ? Loss{} : loss_from_string(model.loss);
  if (run.solver.loss.is_frobenius()) {
    run.solver.algorithm = Algorithm::kBpp;
    run.solver.stopping.max_iterations = 1;
    run.solver.stopping.tolerance = 0.0;
  } else {
    run.solver.algorithm = Algorithm::kMu;
    run.solver.stopping.max_iterations = options.max_iterations;
    run.solver.stopping.tolerance = options.tolerance;
  }
  const std::string normalization =
      options.normalize != "model" ? options.normalize
                                   : (model.normalization.empty() ? "none" : model.normalization);
  run.normalize = normalization_from_string(normalization);
  run.grid = options.grid;
  run.precision = options.precision;
  run.seed = options.seed;
  run.output = options.output;
  run.print_every = options.print_every;
  run.quiet = options.quiet;
  run.validate();
  return run;
}

}  // namespace

void run_transform(const TransformOptions& options) {
  io::silence_hdf5_errors();
  const FixedWFile model = read_fixed_w_file(MPI_COMM_WORLD, options.model, "--model");
  run_factorize(as_fixed_w_run(options, model));
}

}  // namespace gridnmf::cli
