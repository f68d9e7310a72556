#pragma once

#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// A synthetic hyperspectral scene V = W H (+ noise): bands x pixels, W the
// endmember spectra (bands x k), H the abundances (k x pixels, every column
// sums to one). Pixel j is image row j % image_rows, column j / image_rows
// (column-major, as in ../shared/data).
struct HyperspectralScene {
  std::int64_t image_rows = 0;
  std::int64_t image_cols = 0;
  std::int64_t bands = 0;
  std::int64_t endmembers = 0;
  std::optional<double> snr_db;  // additive Gaussian noise at this SNR; none: noiseless
  bool pure_pixels = false;      // one pixel per endmember holds it alone
  // Softmax sharpness of the abundance fields: 6 mixes everywhere; 30 and
  // more leave wide areas of nearly pure pixels; 2 mixes heavily.
  double mixing_sharpness = 6.0;
  // Every spectrum becomes (1 - a) itself + a times the mean spectrum: a in
  // [0, 1) brings the endmembers closer in angle (similar materials).
  double similarity = 0.0;
  // The noise's standard deviation varies by band (two strong bands near the
  // 1400 and 1900 nm water absorptions, low elsewhere), same mean power.
  bool band_noise = false;
  // Fractions of bands that are dead (V = 0) or saturated (V clipped at 70%
  // of the band's mean endmember value); chosen by (seed, band). W_true
  // keeps the true spectra there.
  double dead_bands = 0.0;
  double saturated_bands = 0.0;
  std::uint64_t seed = 1;
  std::int64_t pixels() const { return image_rows * image_cols; }
};

// Every value of the scene as a function of (seed, global index), so any rank
// can compute any block and the file is the same on every rank count.
//
// Spectra: wavelengths spread evenly over 400-2500 nm; each endmember is a
// baseline plus one broad Gaussian peak at its own place in
// the range (endmember e near the (e + 1/2)/k point) plus two wider random
// bumps: smooth, and clearly apart in angle (over 30 seeds the smallest
// pairwise spectral angle was above 0.45 rad for k <= 12, 0.35 at k = 20 and
// 0.19 at k = 40).
// Abundances: endmember e has a field of three Gaussian bumps over the image,
// the first at its anchor pixel (anchors on a jittered ceil(sqrt(k))-square
// lattice of image cells, so distinct); the fields go through a softmax, so
// the maps are smooth, positive and sum to one, and each endmember dominates
// around its anchor. With pure_pixels the anchor pixels are set to exactly
// that endmember; otherwise no pixel is pure.
class SceneModel {
 public:
  // Throws UsageError unless every size is positive and k <= pixels.
  explicit SceneModel(const HyperspectralScene& scene);

  const HyperspectralScene& scene() const { return scene_; }
  std::vector<double> wavelengths() const;  // nm, one per band
  std::vector<std::string> endmember_names() const;
  // The anchor pixel of each endmember (pure when scene().pure_pixels).
  const std::vector<std::int64_t>& anchor_pixels() const { return anchors_; }

  // Rows `bands` of W (bands.size x k).
  LocalMatrix<double> spectra_rows(const IndexRange& bands) const;
  // Columns `pixels` of H, stored transposed (pixels.size x k).
  LocalMatrix<double> abundance_cols(const IndexRange& pixels) const;
  // The block bands x pixels of V: sum over endmembers in a fixed order, plus
  // noise_sigma times a standard normal of (seed, band * pixels + pixel),
  // clipped at 0 so V stays non-negative.
  template <typename T>
  LocalMatrix<T> block(const IndexRange& bands, const IndexRange& pixels,
                       double noise_sigma) const;

 private:
  enum class BandDefect { kNone, kDead, kSaturated };
  // The noise's standard deviation in `band` relative to the mean (1 unless band_noise).
  double band_noise_factor(std::int64_t band) const;
  BandDefect band_defect(std::int64_t band) const;
  struct Bump {
    double row, col, width, amplitude;
  };
  double abundance_field(std::int64_t e, double row, double col) const;

  HyperspectralScene scene_;
  std::vector<std::int64_t> anchors_;
  std::vector<Bump> bumps_;             // k x kBumps
  std::vector<double> spectrum_params_; // k x kSpectrumParams
};

// The noise standard deviation that gives the scene's SNR,
// 10 log10(||W H||_F^2 / (bands * pixels * sigma^2)) = snr_db, 0 when
// noiseless. ||W H||^2 = sum_j h_j^T (W^T W) h_j is summed in fixed chunks
// of pixels, each by one rank, and the chunk sums are added in order on every
// rank, so sigma is bitwise the same on any number of ranks.
// Collective over `comm`.
double scene_noise_sigma(MPI_Comm comm, const SceneModel& model);

}  // namespace gridnmf
