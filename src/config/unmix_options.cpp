#include "gridnmf/config/unmix_options.hpp"

#include <cmath>
#include <sstream>

#include "gridnmf/error.hpp"

namespace gridnmf {

FactorizeOptions UnmixOptions::unmixing_defaults() {
  FactorizeOptions options;
  options.solver.algorithm = Algorithm::kBpp;
  options.solver.stopping.max_iterations = 500;
  options.solver.stopping.tolerance = 1e-6;
  options.init = "auto";
  return options;
}

void UnmixOptions::validate() const {
  if (!estimate_endmembers && factorize.rank <= 0) {
    throw UsageError("--endmembers must be a positive integer, got " +
                     std::to_string(factorize.rank));
  }
  const auto check = [](double value, const char* name, bool positive) {
    if (!std::isfinite(value) || value < 0.0 || (positive && value == 0.0)) {
      throw UsageError(std::string(name) + (positive ? " must be > 0" : " must be >= 0") +
                       ", got " + std::to_string(value));
    }
  };
  check(weights.sum_to_one, "--sum-to-one", false);
  check(weights.volume, "--volume", false);
  check(weights.volume_floor, "--volume-floor", false);
  check(weights.volume_epsilon, "--volume-epsilon", true);
  check(weights.sparsity, "--sparsity", false);
  if (weights.sparsity > 0.0 && factorize.solver.algorithm == Algorithm::kMu) {
    throw UsageError("--sparsity needs --algorithm hals or bpp");
  }
  if ((weights.volume > 0.0 || weights.volume_floor > 0.0) &&
      factorize.solver.algorithm == Algorithm::kMu) {
    throw UsageError("--volume needs --algorithm hals or bpp; use --volume 0 --volume-floor 0 "
                     "--sparsity 0 with --algorithm mu");
  }
  if (weights.sparsity_auto && factorize.solver.algorithm == Algorithm::kMu) {
    throw UsageError("--sparsity auto needs --algorithm hals or bpp; give --sparsity 0 with "
                     "--algorithm mu");
  }
  if (!factorize.solver.loss.is_frobenius()) {
    throw UsageError("gridnmf unmix supports --loss frobenius only (sum-to-one and volume "
                     "terms are least-squares terms)");
  }
  if (factorize.restarts > 1 && factorize.init == "spa") {
    throw UsageError("--restarts " + std::to_string(factorize.restarts) +
                     " with --init spa would repeat the same run; restarts need --init vca, "
                     "random or nndsvdar");
  }
  // The rest (input, output, init file, restarts, stopping) as for factorize;
  // its --init check knows nothing of vca and spa (both checked here), and
  // VCA depends on the seed as random does.
  FactorizeOptions checked = factorize;
  if (estimate_endmembers) checked.rank = 1;  // known once the data are read
  if (checked.init == "vca" || checked.init == "spa" || checked.init == "auto") {
    checked.init = "random";
  }
  checked.validate();
}

std::string UnmixOptions::sparsity_text() const {
  if (weights.sparsity_auto) return "auto";
  std::ostringstream text;
  text.precision(17);
  text << weights.sparsity;
  return text.str();
}

std::string UnmixOptions::to_text() const {
  std::ostringstream text;
  text.precision(17);
  text << factorize.to_text() << "endmembers = "
       << (estimate_endmembers ? std::string("auto") : std::to_string(factorize.rank)) << "\n"
       << "sum-to-one = " << weights.sum_to_one << "\n"
       << "volume = " << weights.volume << "\n"
       << "volume-floor = " << weights.volume_floor << "\n"
       << "volume-epsilon = " << weights.volume_epsilon << "\n"
       << "sparsity = " << sparsity_text() << "\n";
  return text.str();
}

}  // namespace gridnmf
