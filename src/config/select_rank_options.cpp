#include "gridnmf/config/select_rank_options.hpp"

#include <sstream>

#include "gridnmf/error.hpp"

namespace gridnmf {

FactorizeOptions SelectRankOptions::sweep_defaults() {
  FactorizeOptions options;
  options.solver.algorithm = Algorithm::kBpp;
  options.solver.mask.holdout_fraction = 0.05;
  options.solver.stopping.tolerance = 1e-5;
  options.solver.stopping.max_iterations = 500;
  return options;
}

std::vector<std::int64_t> SelectRankOptions::parse_ranks(const std::string& text) {
  std::vector<std::int64_t> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ':')) {
    std::size_t used = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size()) {
      throw UsageError("--ranks must be FIRST:LAST[:STEP] or one k, got '" + text + "'");
    }
    parts.push_back(value);
  }
  if (parts.empty() || parts.size() > 3 || text.back() == ':') {
    throw UsageError("--ranks must be FIRST:LAST[:STEP] or one k, got '" + text + "'");
  }
  const std::int64_t first = parts[0];
  const std::int64_t last = parts.size() > 1 ? parts[1] : first;
  const std::int64_t step = parts.size() > 2 ? parts[2] : 1;
  if (first < 1 || last < first || step < 1) {
    throw UsageError("--ranks needs 1 <= FIRST <= LAST and STEP >= 1, got '" + text + "'");
  }
  std::vector<std::int64_t> ranks;
  for (std::int64_t k = first; k <= last; k += step) ranks.push_back(k);
  return ranks;
}

void SelectRankOptions::validate() const {
  if (ranks.empty()) throw UsageError("--ranks is required, e.g. --ranks 2:20");
  if (replicates < 1 || replicates > 1000) {
    throw UsageError("--replicates must be between 1 and 1000");
  }
  if (!(min_stability >= 0.0 && min_stability <= 1.0)) {
    throw UsageError("--min-stability must be between 0 and 1");
  }
  if (sweep_dir.empty()) throw UsageError("--sweep-dir is required");
  if (!(factorize.solver.mask.holdout_fraction > 0.0)) {
    throw UsageError("select-rank needs --holdout > 0 (the held-out error chooses k)");
  }
  if (factorize.restarts != 1) {
    throw UsageError("select-rank takes --replicates, not --restarts");
  }
  if (factorize.checkpoint.enabled()) {
    throw UsageError("select-rank checkpoints per cell in --sweep-dir; drop --checkpoint");
  }
  if (!factorize.fix_w.empty()) throw UsageError("select-rank cannot be combined with --fix-w");
  if (factorize.init != "random") {
    throw UsageError("select-rank needs --init random (replicates differ by their seed)");
  }
  factorize.validate();
}

std::string SelectRankOptions::csv_path() const {
  const std::string& table = factorize.output;
  const std::size_t dot = table.find_last_of('.');
  const std::size_t slash = table.find_last_of('/');
  const bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_extension ? table.substr(0, dot) : table) + ".csv";
}

std::string SelectRankOptions::cell_fingerprint() const {
  const FactorizeOptions& f = factorize;
  std::ostringstream text;
  text.precision(17);
  text << "input = " << f.input << "\n"
       << "dataset = " << f.dataset << "\n"
       << "transpose = " << (f.transpose ? "true" : "false") << "\n"
       << "normalize = " << to_string(f.normalize) << "\n"
       << "algorithm = " << to_string(f.solver.algorithm) << "\n"
       << "loss = " << to_string(f.solver.loss) << "\n"
       << "l1-w = " << f.solver.penalty_w.l1 << "\n"
       << "l2-w = " << f.solver.penalty_w.l2 << "\n"
       << "l1-h = " << f.solver.penalty_h.l1 << "\n"
       << "l2-h = " << f.solver.penalty_h.l2 << "\n"
       << "max-iter = " << f.solver.stopping.max_iterations << "\n"
       << "tol = " << f.solver.stopping.tolerance << "\n"
       << "seed = " << f.seed << "\n"
       << "precision = " << to_string(f.precision) << "\n"
       << "missing = " << (f.solver.mask.missing_entries ? "nan" : "error") << "\n"
       << "holdout = " << f.solver.mask.holdout_fraction << "\n"
       << "holdout-seed = " << f.solver.mask.holdout_seed << "\n";
  return text.str();
}

}  // namespace gridnmf
