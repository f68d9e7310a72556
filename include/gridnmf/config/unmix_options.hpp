#pragma once

#include <string>

#include "gridnmf/config/factorize_options.hpp"
#include "gridnmf/unmix/unmixing_weights.hpp"

namespace gridnmf {

// Everything `gridnmf unmix` needs: the factorize options (input, grid,
// precision, stopping, output, ...) with unmixing defaults, plus the
// scale-free unmixing weights. factorize.rank is --endmembers.
struct UnmixOptions {
  FactorizeOptions factorize = unmixing_defaults();
  unmix::RelativeWeights weights;
  // --endmembers auto: k from HySime on the data (factorize.rank is 0 until then).
  bool estimate_endmembers = false;

  // The factorize options unmix starts from: BPP, VCA start, at most 500
  // iterations, tolerance 1e-6 on the relative change of the objective.
  static FactorizeOptions unmixing_defaults();

  // FactorizeOptions::validate (with --endmembers for --rank) plus the
  // weights; throws UsageError naming the option. Replicated.
  void validate() const;

  // --sparsity as given: "auto" or the number (17 digits), as to_text and
  // checkpoints record it.
  std::string sparsity_text() const;

  // "key = value" lines in INI syntax, stored in the output file.
  std::string to_text() const;
};

}  // namespace gridnmf
