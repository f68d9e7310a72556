#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gridnmf/config/precision.hpp"

namespace gridnmf {

// What `gridnmf generate` writes: a random low-rank matrix, or a
// hyperspectral scene (smooth abundance maps, smooth spectra, truth as in
// ../shared/data).
enum class GenerateKind { kMatrix, kHyperspectral };

std::string to_string(GenerateKind kind);  // "matrix" / "hyperspectral"
// Throws UsageError naming the text and the accepted values.
GenerateKind generate_kind_from_string(const std::string& text);

// Everything `gridnmf generate` needs, with its defaults.
struct GenerateOptions {
  GenerateKind kind = GenerateKind::kMatrix;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t rank = 0;
  double noise = 0.0;  // standard deviation of the additive Gaussian noise
  std::uint64_t seed = 1;
  Precision precision = Precision::kFloat64;
  std::string output;
  std::string dataset = "V";
  // --kind hyperspectral: rows x cols is the image, V is bands x pixels.
  std::int64_t bands = 0;
  std::int64_t endmembers = 0;
  std::optional<double> snr_db;  // --noise for a scene; none: noiseless
  bool pure_pixels = false;
  double mixing_sharpness = 6.0;  // softmax sharpness of the abundance fields
  double similarity = 0.0;        // share of a common spectrum in every endmember
  bool band_noise = false;        // noise level varies by band
  double dead_bands = 0.0;        // fraction of bands read as 0
  double saturated_bands = 0.0;   // fraction of bands clipped at a level

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
