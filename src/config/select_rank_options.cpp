#include "gridnmf/config/select_rank_options.hpp"

#include <algorithm>
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

namespace {

// One "FIRST[:LAST[:STEP]]" part of --ranks, appended to `ranks`.
void add_range(const std::string& part, const std::string& text,
               std::vector<std::int64_t>& ranks) {
  const std::string usage =
      "--ranks must be FIRST:LAST[:STEP], one k, or a comma-separated list of those, got '" +
      text + "'";
  std::vector<std::int64_t> numbers;
  std::stringstream stream(part);
  std::string piece;
  while (std::getline(stream, piece, ':')) {
    std::size_t used = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(piece, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (piece.empty() || used != piece.size()) throw UsageError(usage);
    numbers.push_back(value);
  }
  if (numbers.empty() || numbers.size() > 3 || part.back() == ':') throw UsageError(usage);
  const std::int64_t first = numbers[0];
  const std::int64_t last = numbers.size() > 1 ? numbers[1] : first;
  const std::int64_t step = numbers.size() > 2 ? numbers[2] : 1;
  if (first < 1 || last < first || step < 1) {
    throw UsageError("--ranks needs 1 <= FIRST <= LAST and STEP >= 1, got '" + text + "'");
  }
  for (std::int64_t k = first; k <= last; k += step) ranks.push_back(k);
}

}  // namespace

std::vector<std::int64_t> SelectRankOptions::parse_ranks(const std::string& text) {
  std::vector<std::int64_t> ranks;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',')) add_range(part, text, ranks);
  if (ranks.empty() || text.back() == ',') add_range("", text, ranks);  // throws the usage
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
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
  if (table_only && cells_only) {
    throw UsageError("--table-only and --cells-only exclude each other");
  }
  if (factorize.restarts != 1) {
    throw UsageError("select-rank takes --replicates, not --restarts");
  }
  if (factorize.checkpoint.enabled()) {
    throw UsageError("select-rank checkpoints per cell in --sweep-dir; drop --checkpoint");
  }
  if (!factorize.fix_w.empty()) throw UsageError("select-rank cannot be combined with --fix-w");
  if (factorize.report.enabled()) throw UsageError("select-rank writes no --report");
  if (factorize.normalize != Normalization::kNone) {
    throw UsageError("select-rank takes V as it is: normalise the input first, without "
                     "--normalize");
  }
  if (factorize.init != "random") {
    throw UsageError("select-rank needs --init random (replicates differ by their seed)");
  }
  factorize.validate();
}

namespace {

// The table's path with another extension.
std::string beside_table(const std::string& table, const char* extension) {
  const std::size_t dot = table.find_last_of('.');
  const std::size_t slash = table.find_last_of('/');
  const bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
  return (has_extension ? table.substr(0, dot) : table) + extension;
}

}  // namespace

std::string SelectRankOptions::csv_path() const { return beside_table(factorize.output, ".csv"); }

std::string SelectRankOptions::png_path() const { return beside_table(factorize.output, ".png"); }

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
       << "missing = " << (f.missing_nan ? "nan" : "error") << "\n"
       << "missing-pattern = " << f.missing_pattern << "\n"
       << "holdout = " << f.solver.mask.holdout_fraction << "\n"
       << "holdout-seed = " << f.solver.mask.holdout_seed << "\n"
       // Cells since the distributed stability hold their matched cosines.
       << "cell-format = 2\n";
  return text.str();
}

}  // namespace gridnmf
