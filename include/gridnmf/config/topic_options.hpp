#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gridnmf/config/precision.hpp"
#include "gridnmf/grid/grid_shape.hpp"

namespace gridnmf {

// Everything `gridnmf top` needs, with its defaults.
struct TopOptions {
  std::string result;     // a gridnmf result: /W, /component_share, /row_names
  std::int64_t top = 20;  // rows listed per component (--n)
  std::string json;       // also write the table as JSON here; empty: not written
  bool coherence = false; // NPMI of each component's top rows, from --input
  std::string input;      // the training matrix (--coherence)
  std::string dataset = "V";
  bool transpose = false;
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

// Everything `gridnmf transform` needs: H for new columns with the model's W
// fixed. Becomes a factorize run with --fix-w (cli/run_transform.cpp).
struct TransformOptions {
  std::string model;  // a gridnmf result: /W, its loss, normalize, /idf, /row_names
  std::string input;
  std::string dataset = "V";
  bool transpose = false;
  bool permute_sparse = true;
  std::string output;
  std::string normalize = "model";  // "model": the model's --normalize; or a normalisation
  int max_iterations = 200;         // KL and other divergences (MU); Frobenius is one solve
  double tolerance = 1e-4;
  std::optional<GridShape> grid;
  Precision precision = Precision::kFloat64;
  std::uint64_t seed = 1;
  int print_every = 10;
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
