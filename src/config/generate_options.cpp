#include "gridnmf/config/generate_options.hpp"

#include <cmath>

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string to_string(GenerateKind kind) {
  return kind == GenerateKind::kHyperspectral ? "hyperspectral" : "matrix";
}

GenerateKind generate_kind_from_string(const std::string& text) {
  if (text == "matrix") return GenerateKind::kMatrix;
  if (text == "hyperspectral") return GenerateKind::kHyperspectral;
  throw UsageError("unknown --kind '" + text + "' (supported: matrix, hyperspectral)");
}

namespace {

void validate_scene(const GenerateOptions& o) {
  if (o.rank != 0) throw UsageError("--rank is for --kind matrix; give --endmembers K for a scene");
  if (o.rows < 1) throw UsageError("--rows (image rows) must be a positive integer, got " + std::to_string(o.rows));
  if (o.cols < 1) throw UsageError("--cols (image columns) must be a positive integer, got " + std::to_string(o.cols));
  if (o.bands < 1) throw UsageError("--bands is required with --kind hyperspectral and must be a positive integer");
  if (o.endmembers < 1) throw UsageError("--endmembers is required with --kind hyperspectral and must be a positive integer");
  if (o.rows > (std::int64_t{1} << 40) / o.cols) throw UsageError("--rows x --cols is too many pixels");
  if (o.endmembers > o.rows * o.cols) {
    throw UsageError("--endmembers " + std::to_string(o.endmembers) + " exceeds the " +
                     std::to_string(o.rows * o.cols) + " pixels of the image");
  }
  if (o.snr_db && !std::isfinite(*o.snr_db)) throw UsageError("--noise (SNR in dB) must be a finite number");
  if (o.output.empty()) throw UsageError("--output is required");
  for (const char* reserved : {"W_true", "H_true", "wavelengths", "endmember_names", "pure_pixel_indices"}) {
    if (o.dataset.empty() || o.dataset == reserved) {
      throw UsageError("--dataset must be a name other than W_true, H_true, wavelengths, "
                       "endmember_names and pure_pixel_indices");
    }
  }
}

}  // namespace

void GenerateOptions::validate() const {
  if (kind == GenerateKind::kHyperspectral) {
    validate_scene(*this);
    return;
  }
  if (bands != 0) throw UsageError("--bands is only for --kind hyperspectral");
  if (endmembers != 0) throw UsageError("--endmembers is only for --kind hyperspectral");
  if (pure_pixels) throw UsageError("--pure-pixels is only for --kind hyperspectral");
  if (rows < 1) throw UsageError("--rows must be a positive integer, got " + std::to_string(rows));
  if (cols < 1) throw UsageError("--cols must be a positive integer, got " + std::to_string(cols));
  if (rank < 1) throw UsageError("--rank must be a positive integer, got " + std::to_string(rank));
  if (!(noise >= 0.0) || !std::isfinite(noise)) throw UsageError("--noise must be a finite value >= 0");
  if (output.empty()) throw UsageError("--output is required");
  if (dataset.empty() || dataset == "W_true" || dataset == "H_true") {
    throw UsageError("--dataset must be a name other than W_true and H_true");
  }
}

}  // namespace gridnmf
