#include "gridnmf/config/factorize_options.hpp"

#include <sstream>
#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/init/init_method.hpp"
#include "gridnmf/io/path_identity.hpp"

namespace gridnmf {

namespace {

// A file the command reads or writes, named as in the messages.
struct NamedFile {
  const char* option;
  const char* noun;  // "... is the <noun> file"
  std::string path;
  bool written;
};

// Two options naming one file (by identity: "./x.h5" is "x.h5", a hard link
// is its target) destroy it when either is written.
void refuse_colliding_files(const std::vector<NamedFile>& files) {
  for (std::size_t later = 1; later < files.size(); ++later) {
    for (std::size_t earlier = 0; earlier < later; ++earlier) {
      const NamedFile& a = files[earlier];
      const NamedFile& b = files[later];
      if ((a.written || b.written) && io::same_file(a.path, b.path)) {
        throw UsageError(std::string(b.option) + " '" + b.path + "' is the " + a.noun +
                         " file (" + a.option + " '" + a.path + "'); choose another path");
      }
    }
  }
}

}  // namespace

void FactorizeOptions::validate() const {
  if (input.empty()) throw UsageError("--input is required");
  if (output.empty()) throw UsageError("--output is required");
  if (dataset.empty()) throw UsageError("--dataset must not be empty");
  if (rank < 0 || (rank == 0 && fix_w.empty())) {
    throw UsageError("--rank must be a positive integer, got " + std::to_string(rank));
  }
  if (solver.fix_w != !fix_w.empty()) {
    throw UsageError("internal: --fix-w and the solver's fixed W disagree");
  }
  solver.validate();
  if (print_every < 0) throw UsageError("--print-every must be >= 0");
  const InitChoice start = parse_init(init);
  if (restarts < 1) throw UsageError("--restarts must be >= 1, got " + std::to_string(restarts));
  if (restarts > 1 && checkpoint.enabled()) {
    throw UsageError("--restarts " + std::to_string(restarts) +
                     " cannot be combined with --checkpoint (a checkpoint continues one run)");
  }
  if (restarts > 1 && is_deterministic(start.method)) {
    throw UsageError("--restarts " + std::to_string(restarts) + " with --init " + init +
                     " would repeat the same run; restarts need --init random or nndsvdar");
  }
  checkpoint.validate();
  refuse_colliding_files({{"--input", "input", input, false},
                          {"--init", "--init", init_file(), false},
                          {"--fix-w", "--fix-w", fix_w, false},
                          {"--missing-pattern", "--missing-pattern", missing_pattern, false},
                          {"--output", "--output", output, true},
                          {"--checkpoint", "--checkpoint", checkpoint.path, true},
                          {"--report", "--report", report.path, true}});
}

std::string FactorizeOptions::init_file() const {
  const InitChoice choice = parse_init(init);
  return choice.method == InitMethod::kFile ? choice.path : std::string();
}

std::string FactorizeOptions::to_text() const {
  std::ostringstream text;
  text.precision(17);
  text << "input = " << input << "\n"
       << "dataset = " << dataset << "\n"
       << "transpose = " << (transpose ? "true" : "false") << "\n"
       << "balance = " << (permute_sparse ? "permute" : "none") << "\n"
       << "normalize = " << to_string(normalize) << "\n"
       << "rank = " << rank << "\n"
       << "fix-w = " << fix_w << "\n"
       << "algorithm = " << to_string(solver.algorithm) << "\n"
       << "loss = " << to_string(solver.loss) << "\n"
       << "l1-w = " << solver.penalty_w.l1 << "\n"
       << "l2-w = " << solver.penalty_w.l2 << "\n"
       << "l1-h = " << solver.penalty_h.l1 << "\n"
       << "l2-h = " << solver.penalty_h.l2 << "\n"
       << "sparseness-w = " << solver.sparseness.w << "\n"
       << "sparseness-h = " << solver.sparseness.h << "\n"
       << "max-iter = " << solver.stopping.max_iterations << "\n"
       << "tol = " << solver.stopping.tolerance << "\n"
       << "time-limit = " << solver.stopping.time_limit_seconds << "\n"
       << "pg-tol = " << solver.stopping.pg_tolerance << "\n"
       << "seed = " << seed << "\n"
       << "init = " << init << "\n"
       << "restarts = " << restarts << "\n"
       << "precision = " << to_string(precision) << "\n"
       << "output = " << output << "\n"
       << "print-every = " << print_every << "\n"
       << "quiet = " << (quiet ? "true" : "false") << "\n";
  if (solver.mask.active()) {
    text << "missing = " << (missing_nan ? "nan" : "error") << "\n"
         << "missing-pattern = " << missing_pattern << "\n"
         << "holdout = " << solver.mask.holdout_fraction << "\n"
         << "holdout-seed = " << solver.mask.holdout_seed << "\n";
  }
  if (grid) text << "grid = " << grid->to_string() << "\n";
  text << report.to_text();
  text << checkpoint.to_text();
  return text.str();
}

}  // namespace gridnmf
