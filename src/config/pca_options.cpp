#include "gridnmf/config/pca_options.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

void PcaOptions::validate() const {
  if (input.empty()) throw UsageError("--input is required (an HDF5 file with V)");
  if (output.empty()) throw UsageError("--output is required (the HDF5 file to write)");
  if (rank < 1) throw UsageError("--rank must be at least 1");
  if (power_iterations < 0 || power_iterations > 20) {
    throw UsageError("--power-iterations must be between 0 and 20");
  }
}

}  // namespace gridnmf
