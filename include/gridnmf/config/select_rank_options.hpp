#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gridnmf/config/factorize_options.hpp"

namespace gridnmf {

// Everything `gridnmf select-rank` needs: the factorize options (input,
// algorithm, loss, stopping, grid, precision, seed, --holdout, --missing)
// applied to every (k, replicate) cell, plus the sweep itself.
// factorize.output is the table file (.h5); the CSV is written beside it.
struct SelectRankOptions {
  FactorizeOptions factorize = sweep_defaults();
  std::vector<std::int64_t> ranks;  // --ranks FIRST:LAST[:STEP][,...], ascending, distinct
  int replicates = 5;               // --replicates R: seeds seed .. seed+R-1, masks likewise
  double min_stability = 0.8;       // --min-stability: the ks the rule considers
  std::string sweep_dir;            // --sweep-dir: one file per finished cell (the checkpoint)
  bool table_only = false;          // --table-only: no factorization, the table of the cells found
  bool cells_only = false;          // --cells-only: the cells, no table (a job-array task)

  // bpp (EM imputation) and --holdout 0.05, tol 1e-5, at most 500 iterations.
  static FactorizeOptions sweep_defaults();

  // Parses "FIRST:LAST[:STEP]", one k, or a comma-separated list of those;
  // throws UsageError naming --ranks.
  static std::vector<std::int64_t> parse_ranks(const std::string& text);

  // Throws UsageError naming the option. Replicated.
  void validate() const;

  // The path of the CSV beside the table: the table's path with .csv.
  std::string csv_path() const;
  // The path of the picture beside the table: the table's path with .png.
  std::string png_path() const;

  // The options that make two cells comparable, as text stored in every cell
  // file: a resumed or merged sweep refuses cells written with other ones.
  std::string cell_fingerprint() const;
};

}  // namespace gridnmf
