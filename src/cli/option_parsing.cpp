#include "gridnmf/cli/option_parsing.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "gridnmf/cli/progress.hpp"
#include "gridnmf/cli/report_option.hpp"
#include "checkpoint_option_parsing.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/printable_text.hpp"
#include "gridnmf/unmix/unmixing_weights.hpp"

namespace po = boost::program_options;

namespace gridnmf::cli {

namespace {

// A rule for every floating-point option, on the command line or in a
// --config file: inf and nan parse as numbers but mean nothing as a weight,
// tolerance, limit or noise level.
void require_finite_numbers(const po::variables_map& values) {
  for (const auto& [name, value] : values) {
    const double* number = boost::any_cast<double>(&value.value());
    if (number != nullptr && !std::isfinite(*number)) {
      throw UsageError("--" + name + " must be a finite number, got " +
                       (std::isnan(*number) ? "nan" : *number > 0 ? "inf" : "-inf"));
    }
  }
}

// Edit distance between two option names (insertions, deletions, substitutions).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "; did you mean --max-iter?" for an unknown option: the options it is a
// prefix of (prefixes are not accepted silently), else the closest names.
std::string suggestion(const std::string& unknown, const po::options_description& all) {
  std::string given = unknown;
  while (!given.empty() && given.front() == '-') given.erase(0, 1);
  const auto equals = given.find('=');
  if (equals != std::string::npos) given.resize(equals);
  if (given.empty()) return "";
  std::vector<std::string> candidates;
  for (const auto& option : all.options()) {
    const std::string& name = option->long_name();
    if (name.rfind(given, 0) == 0) candidates.push_back(name);
  }
  if (candidates.empty()) {  // --tolerance for --tol: the longest option it starts with
    std::string longest;
    for (const auto& option : all.options()) {
      const std::string& name = option->long_name();
      if (name.size() >= 3 && given.rfind(name, 0) == 0 && name.size() > longest.size()) {
        longest = name;
      }
    }
    if (!longest.empty()) candidates.push_back(longest);
  }
  if (candidates.empty()) {
    std::size_t best = std::max<std::size_t>(2, given.size() / 3) + 1;
    for (const auto& option : all.options()) {
      const std::string& name = option->long_name();
      const std::size_t distance = edit_distance(given, name);
      if (distance < best) {
        best = distance;
        candidates = {name};
      } else if (distance == best) {
        candidates.push_back(name);
      }
    }
  }
  if (candidates.empty() || candidates.size() > 4) return "";
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == candidates.size() ? " or " : ", ") + std::string("--") +
            candidates[i];
  }
  return text + "?";
}

// Long options only as spelled in full: Boost's default accepts any unique
// prefix (--max for --max-iter), which would silently change meaning when an
// option is added.
constexpr int kCommandLineStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// Parses the command line, then the --config file if any; values already set
// on the command line are kept, so the command line wins.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& all,
                        const po::options_description& from_file) {
  po::variables_map values;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(args).options(all).style(kCommandLineStyle).run();
    // Words that are not options would otherwise be dropped without a word.
    const std::vector<std::string> stray =
        po::collect_unrecognized(parsed.options, po::include_positional);
    if (!stray.empty()) {
      throw UsageError("unexpected argument '" + stray.front() +
                       "' (every value follows its --option; see --help)");
    }
    po::store(parsed, values);
    if (values.count("config")) {
      const std::string path = values["config"].as<std::string>();
      io::check_input_file(path, "--config");  // a FIFO would block, a directory reads as empty
      std::ifstream stream(path);
      if (!stream) throw UsageError("cannot read --config file '" + path + "'");
      try {
        po::store(po::parse_config_file(stream, from_file), values);
      } catch (const po::unknown_option& e) {
        throw UsageError("in --config file '" + path + "': " + e.what() +
                         suggestion(e.get_option_name(), from_file));
      } catch (const po::error& e) {
        throw UsageError("in --config file '" + path + "': " + io::printable_excerpt(e.what(), 80));
      }
    }
    po::notify(values);
  } catch (const po::unknown_option& e) {
    throw UsageError(e.what() + suggestion(e.get_option_name(), all));
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  require_finite_numbers(values);
  return values;
}

// Adds --config and --help to a command's options and parses them. Returns
// false after printing the help (on the printing rank) when --help was given.
// `refused` options are parsed (so the command's own check can say why it
// refuses them) but not listed in the help.
bool parse_or_help(const std::vector<std::string>& args, const po::options_description& problem,
                   const std::string& usage, bool print,
                   const po::options_description& refused = po::options_description()) {
  po::options_description command_only("General");
  command_only.add_options()
      ("config", po::value<std::string>(), "INI file of options; the command line wins")
      ("help,h", "show this help");
  po::options_description shown;
  shown.add(problem).add(command_only);
  po::options_description all, from_file;
  all.add(shown).add(refused);
  from_file.add(problem).add(refused);
  const po::variables_map values = parse(args, all, from_file);
  if (values.count("help")) {
    if (print) std::cout << "Usage: gridnmf " << usage << "\n\n" << shown << "\n";
    return false;
  }
  return true;
}

std::int64_t non_negative_seed(std::int64_t seed) {
  if (seed < 0) throw UsageError("--seed must be >= 0, got " + std::to_string(seed));
  return seed;
}

// A default shown in --help with 6 significant digits (3e-05, not 3.0000000000000001e-05).
std::string short_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

const char* kNormalizeHelp =
    "preprocessing of V after the read: none, tfidf (v log(n / df) per row), l1-columns "
    "(each column divided by its sum) or log1p (log(1 + v))";

// The factorize options held as text until parsing is done.
struct FactorizeText {
  std::string algorithm, loss, grid, precision;
  std::int64_t seed = 0;
  std::string balance = "permute";
  std::string print_every = "auto";
  std::int64_t rank_alias = 0;  // --n-components (factorize), --rank (unmix)
  std::string rank_option, alias_option;
  std::string endmembers;  // unmix: a number or "auto"
};

// Declares the options factorize and unmix share into `problem`, with the
// values in `options` as defaults; k is the option `rank_option`. Both
// `options` and `text` must outlive the parse: the options write into them.
// Options in `sweep_refused` (select-rank's) go to `refused` instead: parsed,
// refused by the sweep's own check, not in its help.
const char* const kSweepRefused[] = {"rank", "n-components", "sparseness-w", "sparseness-h",
                                     "pg-tol", "restarts", "report", "checkpoint",
                                     "checkpoint-every", "checkpoint-interval", "resume"};

void describe_factorize_options(po::options_description& problem, FactorizeOptions& options,
                                FactorizeText& text, const char* rank_option,
                                const char* rank_help, const char* alias_option,
                                const char* init_help, bool automatic_algorithm = false,
                                po::options_description* refused = nullptr) {
  text = {to_string(options.solver.algorithm), to_string(options.solver.loss), "",
          to_string(options.precision), static_cast<std::int64_t>(options.seed), "permute",
          "auto", 0, rank_option, alias_option, ""};
  if (automatic_algorithm) text.algorithm = "auto";
  StoppingRule& stopping = options.solver.stopping;
  po::options_description every;
  every.add_options()
      ("input", po::value(&options.input), "HDF5 file holding V (rows = features, columns = samples), or an ENVI header .hdr (rows = bands, columns = pixels)")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "dataset name of V in --input: a 2-D dataset, or a group holding a sparse matrix (data, indices, indptr, shape); when V is absent, a 10x Genomics /matrix or AnnData /X group is used")
      ("transpose", po::bool_switch(&options.transpose), "factorize the transpose of the stored matrix (for files stored samples x features; AnnData is transposed by default, and --transpose keeps it as stored)")
      ("balance", po::value(&text.balance)->default_value(text.balance), "sparse input: permute (spread heavy rows and columns over the ranks by a seeded permutation; results are written in the input's order) or none")
      (rank_option, std::string(rank_option) == "endmembers"
                        ? static_cast<const po::value_semantic*>(
                              po::value(&text.endmembers)->value_name("K|auto"))
                        : po::value(&options.rank), rank_help)
      (alias_option, po::value(&text.rank_alias), ("the same as --" + std::string(rank_option) + " (scikit-learn's spelling)").c_str())
      ("algorithm", po::value(&text.algorithm)->default_value(text.algorithm), automatic_algorithm ? "update rule: bpp, hals or mu; auto: bpp for the frobenius loss (fastest to a given error, measured), mu for the other losses (the only rule for them)" : "update rule: bpp, hals or mu")
      ("loss", po::value(&text.loss)->default_value(text.loss), "frobenius, kl (kullback-leibler), itakura-saito, or beta:B / a number B in [0, 2] (other than frobenius: mu only)")
      ("l1-w", po::value(&options.solver.penalty_w.l1)->default_value(0.0), "adds l1-w * sum(W) to the objective")
      ("l2-w", po::value(&options.solver.penalty_w.l2)->default_value(0.0), "adds 0.5 * l2-w * ||W||_F^2")
      ("l1-h", po::value(&options.solver.penalty_h.l1)->default_value(0.0), "adds l1-h * sum(H) (sparser H)")
      ("l2-h", po::value(&options.solver.penalty_h.l2)->default_value(0.0), "adds 0.5 * l2-h * ||H||_F^2")
      ("sparseness-w", po::value(&options.solver.sparseness.w)->default_value(0.0), "hold every column of W at Hoyer sparseness S exactly (0 < S < 1; projected gradient, Hoyer 2004); 0 disables")
      ("sparseness-h", po::value(&options.solver.sparseness.h)->default_value(0.0), "hold every row of H at Hoyer sparseness S exactly (0 < S < 1; rows of H at unit L2 norm); 0 disables")
      ("grid", po::value(&text.grid), "process grid PRxPC (default: the one moving fewest words)")
      ("max-iter", po::value(&stopping.max_iterations)->default_value(stopping.max_iterations), "maximum number of iterations")
      ("tol", po::value(&stopping.tolerance)->default_value(stopping.tolerance, short_number(stopping.tolerance)), "stop when the objective improves by less than this fraction; 0 disables")
      ("time-limit", po::value(&stopping.time_limit_seconds)->default_value(0.0), "stop after the iteration that passes this many seconds (result written, not converged); 0 disables")
      ("pg-tol", po::value(&stopping.pg_tolerance)->default_value(0.0), "stop when the projected gradient norm falls below this fraction of its initial value (frobenius); 0 disables")
      ("seed", po::value(&text.seed)->default_value(text.seed), "seed of the random initialisation")
      ("init", po::value(&options.init)->default_value(options.init), init_help)
      ("restarts", po::value(&options.restarts)->default_value(options.restarts), "run R starts with seeds seed .. seed+R-1 and keep the lowest final objective (random, nndsvdar or, for unmix, vca init)")
      ("precision", po::value(&text.precision)->default_value(text.precision), "float64 or float32")
      ("output", po::value(&options.output), refused != nullptr ? "HDF5 file to write the sweep's table to (one row per k: training and held-out error, their spread, stability; the recommended k and its rule as attributes); the CSV and the PNG of the three curves are written beside it (TABLE.csv, TABLE.png)" : "HDF5 file to write W, H and the run record to")
      ("print-every", po::value(&text.print_every)->default_value(text.print_every), "progress line every N iterations (0: none; auto: about 40 lines per run)")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  add_report_options(every, options.report);
  add_checkpoint_options(every, options.checkpoint);
  for (const auto& option : every.options()) {
    const bool is_refused =
        refused != nullptr &&
        std::any_of(std::begin(kSweepRefused), std::end(kSweepRefused),
                    [&](const char* name) { return option->long_name() == name; });
    (is_refused ? *refused : problem).add(option);
  }
}

// Converts the text options once parsing is done.
void finish_factorize_options(FactorizeOptions& options, const FactorizeText& text) {
  options.solver.loss = loss_from_string(text.loss);
  if (text.algorithm == "auto") {
    options.solver.algorithm = options.solver.loss.beta == 2.0 ? Algorithm::kBpp : Algorithm::kMu;
  } else {
    options.solver.algorithm = algorithm_from_string(text.algorithm);
  }
  options.precision = precision_from_string(text.precision);
  options.seed = static_cast<std::uint64_t>(non_negative_seed(text.seed));
  if (text.balance != "permute" && text.balance != "none") {
    throw UsageError("--balance must be permute or none, got '" + text.balance + "'");
  }
  options.permute_sparse = text.balance == "permute";
  if (text.rank_alias != 0) {
    if (options.rank != 0 && options.rank != text.rank_alias) {
      throw UsageError("--" + text.rank_option + " " + std::to_string(options.rank) + " and --" +
                       text.alias_option + " " + std::to_string(text.rank_alias) +
                       " disagree; give one of them");
    }
    options.rank = text.rank_alias;
  }
  if (text.print_every == "auto") {
    options.print_every = automatic_print_every(options.solver.stopping.max_iterations);
  } else {
    std::size_t used = 0;
    int every = -1;
    try {
      every = std::stoi(text.print_every, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.print_every.size() || every < 0) {
      throw UsageError("--print-every must be a number >= 0 or auto, got '" + text.print_every +
                       "'");
    }
    options.print_every = every;
  }
  if (!text.grid.empty()) options.grid = parse_grid_shape(text.grid);
}

// The masked-run options as text until parsing is done.
struct MaskText {
  std::string missing = "error";
  std::string pattern;
  double holdout = 0.0;
  std::int64_t holdout_seed = -1;  // -1: the run's --seed
};

void describe_mask_options(po::options_description& problem, MaskText& mask) {
  problem.add_options()
      ("missing", po::value(&mask.missing)->default_value(mask.missing), "NaN entries of V (dense, or stored values of sparse input): error (refuse them) or nan (they are missing: the objective counts only the observed entries)")
      ("holdout", po::value(&mask.holdout)->default_value(mask.holdout, short_number(mask.holdout)), "hide this fraction (0 to 0.5) of the entries from training, chosen by a hash of (holdout-seed, row, column), and report the error on them (sparse input: the nonzeros the hash hides and as many sampled zeros)")
      ("holdout-seed", po::value(&mask.holdout_seed), "seed of the held-out mask (default: --seed)")
      ("missing-pattern", po::value(&mask.pattern), "HDF5 file holding a sparse matrix /V of V's shape whose stored (nonzero) entries are missing in V (dense or sparse input)");
}

void finish_mask_options(FactorizeOptions& options, const MaskText& mask) {
  if (mask.missing != "error" && mask.missing != "nan") {
    throw UsageError("--missing must be error or nan, got '" + mask.missing + "'");
  }
  if (mask.holdout_seed < -1) throw UsageError("--holdout-seed must be >= 0");
  options.missing_nan = mask.missing == "nan";
  options.missing_pattern = mask.pattern;
  options.solver.mask.missing_entries = options.missing_nan || !mask.pattern.empty();
  options.solver.mask.holdout_fraction = mask.holdout;
  options.solver.mask.holdout_seed =
      mask.holdout_seed >= 0 ? static_cast<std::uint64_t>(mask.holdout_seed) : options.seed;
}

}  // namespace

std::optional<FactorizeOptions> parse_factorize(const std::vector<std::string>& args, bool print) {
  FactorizeOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  FactorizeText text;
  describe_factorize_options(problem, options, text, "rank",
                             "factorization rank k (1 <= k <= min(m, n))", "n-components",
                             "random, nndsvd, nndsvda, nndsvdar, spa, or file:PATH (HDF5 with /W and /H)",
                             true);
  std::string normalize = to_string(options.normalize);
  MaskText mask;
  problem.add_options()
      ("normalize", po::value(&normalize)->default_value(normalize), kNormalizeHelp)
      ("fix-w", po::value(&options.fix_w), "HDF5 file (a result) whose /W is kept fixed: only H is updated (semi-supervised runs); --rank defaults to its k");
  describe_mask_options(problem, mask);
  if (!parse_or_help(args, problem, "factorize --input FILE --rank K --output FILE [options]",
                     print)) {
    return std::nullopt;
  }
  finish_factorize_options(options, text);
  finish_mask_options(options, mask);
  options.normalize = normalization_from_string(normalize);
  options.solver.fix_w = !options.fix_w.empty();
  options.validate();
  return options;
}

// --endmembers K or auto (then rank stays 0 until HySime has run).
void set_endmembers(UnmixOptions& options, const std::string& text) {
  if (text.empty()) return;
  if (text == "auto") {
    options.estimate_endmembers = true;
    return;
  }
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size()) {
    throw UsageError("--endmembers must be a positive integer or auto, got '" + text + "'");
  }
  options.factorize.rank = value;
}

std::optional<SelectRankOptions> parse_select_rank(const std::vector<std::string>& args,
                                                   bool print) {
  SelectRankOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  FactorizeText text;
  po::options_description refused;
  describe_factorize_options(problem, options.factorize, text, "rank", "not used: give --ranks",
                             "n-components", "random (the only start a sweep takes)", false,
                             &refused);
  MaskText mask;
  mask.holdout = options.factorize.solver.mask.holdout_fraction;
  describe_mask_options(problem, mask);
  std::string ranks;
  po::options_description sweep("Sweep");
  sweep.add_options()
      ("ranks", po::value(&ranks)->value_name("FIRST:LAST[:STEP]"), "the ks of the sweep, e.g. 2:20, 2:20:2, one k, or a comma-separated list such as 2,5,9:12")
      ("replicates", po::value(&options.replicates)->default_value(options.replicates), "runs per k: replicate r starts from seed + r and holds out the mask of holdout-seed + r")
      ("min-stability", po::value(&options.min_stability)->default_value(options.min_stability, short_number(options.min_stability)), "the rule considers only the ks whose components are at least this stable (mean matched cosine over replicates); all ks when none is")
      ("sweep-dir", po::value(&options.sweep_dir), "directory of the finished (k, replicate) cells, one HDF5 file each; a rerun skips them (default: the --output path without its extension + .sweep)")
      ("table-only", po::bool_switch(&options.table_only), "run nothing: make the table from the cells in --sweep-dir (the merge step of a job array)")
      ("cells-only", po::bool_switch(&options.cells_only), "run the missing cells into --sweep-dir and write no table (a task of a job array)");
  problem.add(sweep);
  if (!parse_or_help(args, problem,
                     "select-rank --input FILE --ranks 2:20[:STEP] --output TABLE.h5 [options]",
                     print, refused)) {
    return std::nullopt;
  }
  if (options.factorize.rank != 0 || text.rank_alias != 0) {
    throw UsageError("select-rank takes --ranks FIRST:LAST[:STEP], not --rank");
  }
  finish_factorize_options(options.factorize, text);
  finish_mask_options(options.factorize, mask);
  if (!ranks.empty()) options.ranks = SelectRankOptions::parse_ranks(ranks);
  if (!options.ranks.empty()) options.factorize.rank = options.ranks.back();
  if (options.sweep_dir.empty() && !options.factorize.output.empty()) {
    const std::string csv = options.csv_path();
    options.sweep_dir = csv.substr(0, csv.size() - 4) + ".sweep";
  }
  options.validate();
  return options;
}

// --sparsity X or auto (the multiplier from the measured pixel purity).
void set_sparsity(unmix::RelativeWeights& weights, const std::string& text) {
  weights.sparsity_auto = text == "auto";
  if (weights.sparsity_auto) return;
  std::size_t used = 0;
  try {
    weights.sparsity = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw UsageError("--sparsity must be a number >= 0 or auto, got '" + text + "'");
  }
}

std::optional<UnmixOptions> parse_unmix(const std::vector<std::string>& args, bool print) {
  UnmixOptions options;
  unmix::RelativeWeights& weights = options.weights;
  std::string sparsity = "auto";
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  FactorizeText text;
  describe_factorize_options(
      problem, options.factorize, text, "endmembers",
      "number of endmembers k (1 <= k <= min(bands, pixels)), or auto: estimated by HySime "
      "(printed, stored as the attribute estimated_endmembers)",
      "rank",
      "auto (a VCA and an SPA start, the lower final objective kept), vca (vertex component analysis), spa (successive projections), random, nndsvd, nndsvda, "
      "nndsvdar, or file:PATH; vca and spa take k pixels as W and H by one NNLS solve");
  po::options_description terms(
      "Unmixing terms, scale-free (the absolute values are printed and stored in the output)");
  terms.add_options()
      ("sum-to-one", po::value(&weights.sum_to_one)->default_value(weights.sum_to_one), "abundance sum-to-one weight: the row delta * 1^T is appended to V and W, delta = this x the RMS pixel norm sqrt(||V||^2 / n); 0 disables")
      ("volume", po::value(&weights.volume)->default_value(weights.volume), "minimum simplex volume: adds 0.5 lambda log det(P W^T W P + eps I), lambda = this x s x S + volume-floor x ||V||^2, S = energy of singular values k+1..2k minus that of 2k+1..3k, s = how far S stands out from the noise (0 below half the noise HySime measures outside rank k, 1 from all of it); 0 with --volume-floor 0 disables")
      ("volume-floor", po::value(&weights.volume_floor)->default_value(weights.volume_floor, short_number(weights.volume_floor)), "part of lambda proportional to ||V||^2 (keeps a pull on noise-free scenes)")
      ("volume-epsilon", po::value(&weights.volume_epsilon)->default_value(weights.volume_epsilon), "eps = this x ||V||^2 / n in the log det")
      ("sparsity", po::value(&sparsity)->default_value(sparsity), "L1/2 sparsity of the abundances (Qian et al. 2011): adds lambda sum sqrt(H), lambda = this x Qian's data-driven estimate x the mean squared entry of V; 0 disables; auto: 0 to 1 from the share of nearly pure pixels (0 up to half of the pixels, 1 from three quarters)");
  problem.add(terms);
  if (!parse_or_help(args, problem, "unmix --input FILE --endmembers K --output FILE [options]",
                     print)) {
    return std::nullopt;
  }
  set_sparsity(weights, sparsity);
  set_endmembers(options, text.endmembers);  // first: finish checks --rank against it
  finish_factorize_options(options.factorize, text);
  options.validate();
  return options;
}

std::optional<GenerateOptions> parse_generate(const std::vector<std::string>& args, bool print) {
  GenerateOptions options;
  std::string precision = to_string(options.precision);
  std::string kind = to_string(options.kind);
  std::int64_t seed = static_cast<std::int64_t>(options.seed);
  // NaN until given: its default depends on --kind.
  double noise = std::numeric_limits<double>::quiet_NaN();

  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("kind", po::value(&kind)->default_value(kind), "matrix (random W H) or hyperspectral (a scene: V = bands x pixels)")
      ("rows", po::value(&options.rows), "rows M of V (features); hyperspectral: image rows")
      ("cols", po::value(&options.cols), "columns N of V (samples); hyperspectral: image columns")
      ("rank", po::value(&options.rank), "inner dimension K of the true factors (matrix)")
      ("bands", po::value(&options.bands), "spectral bands, the rows of V (hyperspectral)")
      ("endmembers", po::value(&options.endmembers), "endmembers K (hyperspectral)")
      ("pure-pixels", po::bool_switch(&options.pure_pixels), "hyperspectral: one pixel per endmember holds it alone")
      ("mixing-sharpness", po::value(&options.mixing_sharpness)->default_value(options.mixing_sharpness), "hyperspectral: softmax sharpness of the abundance fields (30+: wide nearly pure areas; 2: heavy mixing)")
      ("similarity", po::value(&options.similarity)->default_value(options.similarity), "hyperspectral: share in [0, 1) of the mean spectrum mixed into every endmember (similar materials)")
      ("band-noise", po::bool_switch(&options.band_noise), "hyperspectral: noise level varies by band (strong near 1400 and 1900 nm), same SNR overall")
      ("dead-bands", po::value(&options.dead_bands)->default_value(options.dead_bands), "hyperspectral: fraction of bands read as 0")
      ("saturated-bands", po::value(&options.saturated_bands)->default_value(options.saturated_bands), "hyperspectral: fraction of bands clipped at 70% of their mean endmember value")
      ("noise", po::value(&noise), "matrix: standard deviation of Gaussian noise added to W H, then clipped at 0 (default 0); hyperspectral: SNR in dB of Gaussian noise added to W H, then clipped at 0 (default: noiseless)")
      ("seed", po::value(&seed)->default_value(seed), "seed of the true factors and noise")
      ("precision", po::value(&precision)->default_value(precision), "float64 or float32")
      ("output", po::value(&options.output), "HDF5 file to write V, W_true and H_true to")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "dataset name of V");
  if (!parse_or_help(args, problem,
                     "generate --rows M --cols N --rank K --output FILE [options]\n"
                     "       gridnmf generate --kind hyperspectral --rows R --cols C --bands B "
                     "--endmembers K --output FILE [--noise SNR_DB] [--pure-pixels] [options]",
                     print)) {
    return std::nullopt;
  }
  options.precision = precision_from_string(precision);
  options.kind = generate_kind_from_string(kind);
  options.seed = static_cast<std::uint64_t>(non_negative_seed(seed));
  if (options.kind == GenerateKind::kHyperspectral) {
    if (!std::isnan(noise)) options.snr_db = noise;
  } else if (!std::isnan(noise)) {
    options.noise = noise;
  }
  options.validate();
  return options;
}

std::optional<ConvertOptions> parse_convert(const std::vector<std::string>& args, bool print) {
  ConvertOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("input", po::value(&options.input), "ENVI header .hdr (or its raw file), an HDF5 file, a Matrix Market .mtx[.gz], a UCI docword.*.txt[.gz] or an IDX image file (*-images-idx3-ubyte[.gz])")
      ("output", po::value(&options.output), "HDF5 file to write (/V, /wavelengths, rows/cols/bands/pixels attributes; sparse input: group /V in CSR, /row_names, /col_names)")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "name of V in the output (and in an HDF5 input)")
      ("precision", po::value(&options.precision)->default_value(options.precision), "keep (the stored type, exact), float32 or float64")
      ("row-names", po::value(&options.row_names), "sparse input: name file, one row name per line (plain or .gz; a TSV gives its second column); default: features.tsv/genes.tsv or vocab.*.txt beside the input")
      ("col-names", po::value(&options.col_names), "sparse input: name file, one column name per line; default: barcodes.tsv beside the input")
      ("labels", po::value(&options.labels), "IDX image input: labels file (idx1-ubyte, plain or .gz), stored as /col_labels; default: the labels-idx1-ubyte file beside the images")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem, "convert --input scene.hdr|matrix.mtx[.gz]|docword.X.txt[.gz]|images-idx3-ubyte[.gz] --output out.h5 [options]",
                     print)) {
    return std::nullopt;
  }
  options.validate();
  return options;
}

std::optional<EvaluateOptions> parse_evaluate(const std::vector<std::string>& args, bool print) {
  EvaluateOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("result", po::value(&options.result), "gridnmf output file with /W (bands x k) and /H (k x pixels)")
      ("truth", po::value(&options.truth), "ground truth with /W_true, /H_true and /endmember_names (or /W, /H)")
      ("json", po::value(&options.json), "also write the scores to this JSON file")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem, "evaluate --result FILE --truth FILE [--json FILE]", print)) {
    return std::nullopt;
  }
  options.validate();
  return options;
}

std::optional<ImagesOptions> parse_images(const std::vector<std::string>& args, bool print) {
  ImagesOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("result", po::value(&options.result), "gridnmf result file with /W (pixels x k) and /H (k x images)")
      ("output", po::value(&options.output), "PNG file to write (default: the result's name with .png)")
      ("columns", po::value(&options.columns)->default_value(options.columns), "tiles per row (0: about square)")
      ("scale", po::value(&options.scale)->default_value(options.scale), "screen pixels per image pixel")
      ("reconstruct", po::value(&options.reconstruct)->default_value(options.reconstruct), "also draw this many images of V (evenly spaced) above their reconstructions W h_j")
      ("input", po::value(&options.input), "the file holding V for --reconstruct (default: the result's input)")
      ("dataset", po::value(&options.dataset), "V's dataset in --input (default: the result's)")
      ("shape", po::value(&options.shape), "image shape ROWSxCOLS (default: image_rows/image_cols of the result or of its input)")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem, "images --result FILE [--output FILE.png] [--reconstruct N]",
                     print)) {
    return std::nullopt;
  }
  options.validate();
  return options;
}

std::optional<PcaOptions> parse_pca(const std::vector<std::string>& args, bool print) {
  PcaOptions options;
  bool no_center = false;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("input", po::value(&options.input), "HDF5 file with the dense matrix V (features x samples)")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "dataset name of V")
      ("rank", po::value(&options.rank), "number of principal components k")
      ("output", po::value(&options.output), "HDF5 file to write /W (components), /H (scores), /mean, /singular_values to")
      ("no-center", po::bool_switch(&no_center), "do not subtract the mean column (the truncated SVD of V itself)")
      ("power-iterations", po::value(&options.power_iterations)->default_value(options.power_iterations), "power iterations of the randomized range finder (more: more accurate trailing components)")
      ("seed", po::value(&options.seed)->default_value(options.seed), "seed of the random test matrix")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem, "pca --input FILE --rank K --output FILE", print)) {
    return std::nullopt;
  }
  options.center = !no_center;
  options.validate();
  return options;
}

std::optional<TopOptions> parse_top(const std::vector<std::string>& args, bool print) {
  TopOptions options;
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("result", po::value(&options.result), "gridnmf result file (/W, /component_share, /row_names)")
      ("n", po::value(&options.top)->default_value(options.top), "rows listed per component")
      ("json", po::value(&options.json), "also write the table to this JSON file")
      ("coherence", po::bool_switch(&options.coherence), "NPMI coherence of each component's top rows from their co-occurrence in the columns of --input")
      ("input", po::value(&options.input), "the matrix the model was trained on (--coherence)")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "dataset or sparse group of V in --input")
      ("transpose", po::bool_switch(&options.transpose), "--input is stored samples x features")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem,
                     "top --result FILE [--n 20] [--json FILE] [--coherence --input FILE]",
                     print)) {
    return std::nullopt;
  }
  options.validate();
  return options;
}

std::optional<TransformOptions> parse_transform(const std::vector<std::string>& args,
                                                bool print) {
  TransformOptions options;
  std::string grid, precision = to_string(options.precision), balance = "permute";
  std::int64_t seed = static_cast<std::int64_t>(options.seed);
  po::options_description problem("Options (also accepted as 'name = value' lines in --config)");
  problem.add_options()
      ("model", po::value(&options.model), "gridnmf result whose W is kept fixed (its loss, --normalize and /idf are used)")
      ("input", po::value(&options.input), "the new columns: any input factorize reads, with the model's rows")
      ("dataset", po::value(&options.dataset)->default_value(options.dataset), "dataset or sparse group of V in --input")
      ("transpose", po::bool_switch(&options.transpose), "--input is stored samples x features")
      ("balance", po::value(&balance)->default_value(balance), "sparse input: permute or none")
      ("output", po::value(&options.output), "HDF5 file to write W (the model's) and H to")
      ("normalize", po::value(&options.normalize)->default_value(options.normalize), "model (the model's --normalize; tfidf with the model's idf), none, tfidf, l1-columns or log1p")
      ("max-iter", po::value(&options.max_iterations)->default_value(options.max_iterations), "MU iterations for KL and other divergences (Frobenius: one exact NNLS solve)")
      ("tol", po::value(&options.tolerance)->default_value(options.tolerance), "stop the MU iterations when the objective improves by less than this fraction")
      ("grid", po::value(&grid), "process grid PRxPC")
      ("precision", po::value(&precision)->default_value(precision), "float64 or float32")
      ("seed", po::value(&seed)->default_value(seed), "seed of the random start of H (MU)")
      ("print-every", po::value(&options.print_every)->default_value(options.print_every), "progress line every N iterations (0: none)")
      ("quiet", po::bool_switch(&options.quiet), "print nothing but errors");
  if (!parse_or_help(args, problem, "transform --model RESULT --input NEW --output FILE [options]",
                     print)) {
    return std::nullopt;
  }
  options.precision = precision_from_string(precision);
  options.seed = static_cast<std::uint64_t>(non_negative_seed(seed));
  if (balance != "permute" && balance != "none") {
    throw UsageError("--balance must be permute or none, got '" + balance + "'");
  }
  options.permute_sparse = balance == "permute";
  if (!grid.empty()) options.grid = parse_grid_shape(grid);
  options.validate();
  return options;
}

}  // namespace gridnmf::cli
