#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/config/checkpoint_options.hpp"
#include "gridnmf/config/normalization.hpp"
#include "gridnmf/config/precision.hpp"
#include "gridnmf/config/report_options.hpp"
#include "gridnmf/grid/grid_shape.hpp"

namespace gridnmf {

// Everything `gridnmf factorize` needs, with its defaults.
struct FactorizeOptions {
  std::string input;
  std::string dataset = "V";
  bool transpose = false;       // factorize the transpose of the stored matrix
  bool permute_sparse = true;   // --balance permute (sparse input only) or none
  Normalization normalize = Normalization::kNone;  // applied to V right after the read
  std::int64_t rank = 0;  // k (0 with fix_w: the file's k)
  std::string fix_w;      // HDF5 file whose /W stays fixed (solver.fix_w); empty: W is fitted
  bool missing_nan = false;     // --missing nan: NaN entries of dense input are missing
  std::string missing_pattern;  // --missing-pattern: a sparse /V whose entries are missing
  std::string fix_w_option = "--fix-w";  // how messages name that file (transform: --model)
  std::optional<GridShape> grid;  // chosen from m, n and the rank count when absent
  SolverSettings solver;          // algorithm, loss, penalties, stopping rules
  std::uint64_t seed = 1;
  std::string init = "random";  // random, nndsvd, nndsvda, nndsvdar, spa or file:PATH
  int restarts = 1;             // starts with seeds seed .. seed + restarts - 1
  Precision precision = Precision::kFloat64;
  std::string output;
  bool quiet = false;
  int print_every = 10;  // progress line every N iterations (and the first)
  ReportOptions report;  // --report FILE.json
  CheckpointOptions checkpoint;

  // Checks what can be checked without the data; throws UsageError naming the
  // option. Replicated: every rank reaches the same verdict.
  void validate() const;

  // The path after "file:" when init names a file, or "" for random.
  std::string init_file() const;

  // "key = value" lines in INI syntax, stored in the output file.
  std::string to_text() const;
};

}  // namespace gridnmf
