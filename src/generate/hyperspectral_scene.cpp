#include "gridnmf/generate/hyperspectral_scene.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/init/counter_random.hpp"

namespace gridnmf {

namespace {

constexpr double kFirstWavelength = 400.0;  // nm
constexpr double kLastWavelength = 2500.0;
constexpr int kBumps = 3;            // Gaussian bumps per abundance field
constexpr int kSpectrumParams = 10;  // baseline, peak (3), two bumps (3 each)
constexpr std::uint64_t kParamStride = 16;  // random draws reserved per endmember
constexpr double kSpectrumScale = 0.7;  // keeps reflectance-like values below about 1
constexpr std::int64_t kPowerChunk = 4096;  // pixels per chunk of the signal power sum
constexpr double kSaturation = 0.7;  // saturated bands clip at this share of the mean spectrum

// Position of band b in [0, 1] along the wavelength range.
double band_position(std::int64_t b, std::int64_t bands) {
  return bands > 1 ? static_cast<double>(b) / static_cast<double>(bands - 1) : 0.5;
}

double gaussian(double x, double center, double width) {
  const double d = (x - center) / width;
  return std::exp(-0.5 * d * d);
}

// The smallest g with g * g >= k: the side of the anchor lattice.
std::int64_t lattice_side(std::int64_t k) {
  std::int64_t g = 1;
  while (g * g < k) ++g;
  return g;
}

}  // namespace

SceneModel::SceneModel(const HyperspectralScene& scene) : scene_(scene) {
  if (scene.image_rows < 1) throw UsageError("--rows must be a positive integer");
  if (scene.image_cols < 1) throw UsageError("--cols must be a positive integer");
  if (scene.bands < 1) throw UsageError("--bands must be a positive integer");
  if (scene.endmembers < 1) throw UsageError("--endmembers must be a positive integer");
  if (scene.image_rows > std::numeric_limits<std::int64_t>::max() / scene.image_cols) {
    throw UsageError("--rows x --cols is too large");
  }
  if (!(scene.mixing_sharpness > 0.0) || !std::isfinite(scene.mixing_sharpness)) {
    throw UsageError("--mixing-sharpness must be a finite number > 0");
  }
  if (!(scene.similarity >= 0.0 && scene.similarity < 1.0)) {
    throw UsageError("--similarity must be in [0, 1)");
  }
  if (!(scene.dead_bands >= 0.0 && scene.saturated_bands >= 0.0 &&
        scene.dead_bands + scene.saturated_bands <= 0.5)) {
    throw UsageError("--dead-bands and --saturated-bands must be >= 0 with a sum of at most 0.5");
  }
  if (scene.endmembers > scene.pixels()) {
    throw UsageError("--endmembers " + std::to_string(scene.endmembers) +
                     " exceeds the number of pixels " + std::to_string(scene.pixels()));
  }
  const std::int64_t k = scene.endmembers;
  const std::uint64_t seed = scene.seed;
  const auto spectral = [&](std::int64_t e, std::uint64_t q) {
    return random_uniform(seed, RandomStream::kSceneSpectra, e * kParamStride + q);
  };
  const auto spatial = [&](std::int64_t e, std::uint64_t q) {
    return random_uniform(seed, RandomStream::kSceneAbundance, e * kParamStride + q);
  };

  spectrum_params_.resize(static_cast<size_t>(k * kSpectrumParams));
  for (std::int64_t e = 0; e < k; ++e) {
    double* p = &spectrum_params_[e * kSpectrumParams];
    p[0] = 0.03 + 0.07 * spectral(e, 0);                                        // baseline
    p[1] = (e + 0.5) / k + (spectral(e, 1) - 0.5) * 0.3 / k;                   // peak centre
    p[2] = std::max(0.5 / k, 0.04) * (0.8 + 0.4 * spectral(e, 2));             // peak width
    p[3] = 0.5 + 0.4 * spectral(e, 3);                                         // peak height
    for (int b = 0; b < 2; ++b) {
      p[4 + 3 * b] = spectral(e, 4 + 3 * b);                                   // bump centre
      p[5 + 3 * b] = 0.1 + 0.2 * spectral(e, 5 + 3 * b);                       // bump width
      p[6 + 3 * b] = 0.03 + 0.15 * spectral(e, 6 + 3 * b);                     // bump height
    }
  }

  // Anchors: one per cell of a g x g lattice of the image (distinct cells,
  // so distinct pixels); on images too thin for the lattice, evenly spaced.
  const std::int64_t rows = scene.image_rows;
  const std::int64_t cols = scene.image_cols;
  const std::int64_t g = lattice_side(k);
  anchors_.resize(static_cast<size_t>(k));
  for (std::int64_t e = 0; e < k; ++e) {
    if (rows >= g && cols >= g) {
      const std::int64_t row_lo = (e % g) * rows / g, row_hi = (e % g + 1) * rows / g;
      const std::int64_t col_lo = (e / g) * cols / g, col_hi = (e / g + 1) * cols / g;
      // In the middle half of the cell, so neighbouring anchors stay apart.
      const auto pick = [](std::int64_t lo, std::int64_t hi, double u) {
        const double position = (0.25 + 0.5 * u) * static_cast<double>(hi - lo);
        return std::min(hi - 1, lo + static_cast<std::int64_t>(position));
      };
      const std::int64_t r = pick(row_lo, row_hi, spatial(e, 0));
      const std::int64_t c = pick(col_lo, col_hi, spatial(e, 1));
      anchors_[e] = r + c * rows;
    } else {
      anchors_[e] = (2 * e + 1) * scene.pixels() / (2 * k);
    }
  }

  const double extent = static_cast<double>(std::max(rows, cols));
  const double cell = extent / static_cast<double>(g);
  bumps_.resize(static_cast<size_t>(k * kBumps));
  for (std::int64_t e = 0; e < k; ++e) {
    Bump* b = &bumps_[e * kBumps];
    b[0] = {static_cast<double>(anchors_[e] % rows), static_cast<double>(anchors_[e] / rows),
            std::max(0.7, cell * (0.3 + 0.15 * spatial(e, 2))), 1.0};
    for (int i = 1; i < kBumps; ++i) {
      const std::uint64_t q = 3 + 4 * static_cast<std::uint64_t>(i);
      b[i] = {spatial(e, q) * rows, spatial(e, q + 1) * cols,
              std::max(0.7, extent * (0.08 + 0.15 * spatial(e, q + 2))),
              0.2 + 0.3 * spatial(e, q + 3)};
    }
  }
}

std::vector<double> SceneModel::wavelengths() const {
  std::vector<double> nm(static_cast<size_t>(scene_.bands));
  for (std::int64_t b = 0; b < scene_.bands; ++b) {
    nm[b] = kFirstWavelength + (kLastWavelength - kFirstWavelength) * band_position(b, scene_.bands);
  }
  return nm;
}

std::vector<std::string> SceneModel::endmember_names() const {
  std::vector<std::string> names;
  for (std::int64_t e = 0; e < scene_.endmembers; ++e) {
    names.push_back("endmember_" + std::to_string(e + 1));
  }
  return names;
}

LocalMatrix<double> SceneModel::spectra_rows(const IndexRange& bands) const {
  const std::int64_t k = scene_.endmembers;
  LocalMatrix<double> w(bands.size, k);
  for (std::int64_t r = 0; r < bands.size; ++r) {
    const double t = band_position(bands.begin + r, scene_.bands);
    for (std::int64_t e = 0; e < k; ++e) {
      const double* p = &spectrum_params_[e * kSpectrumParams];
      double value = p[0] + p[3] * gaussian(t, p[1], p[2]);
      for (int b = 0; b < 2; ++b) value += p[6 + 3 * b] * gaussian(t, p[4 + 3 * b], p[5 + 3 * b]);
      w(r, e) = kSpectrumScale * value;
    }
    if (scene_.similarity > 0.0) {
      double mean = 0.0;
      for (std::int64_t e = 0; e < k; ++e) mean += w(r, e) / static_cast<double>(k);
      for (std::int64_t e = 0; e < k; ++e) {
        w(r, e) = (1.0 - scene_.similarity) * w(r, e) + scene_.similarity * mean;
      }
    }
  }
  return w;
}

double SceneModel::abundance_field(std::int64_t e, double row, double col) const {
  double field = 0.0;
  for (int i = 0; i < kBumps; ++i) {
    const Bump& b = bumps_[e * kBumps + i];
    const double d2 = (row - b.row) * (row - b.row) + (col - b.col) * (col - b.col);
    field += b.amplitude * std::exp(-0.5 * d2 / (b.width * b.width));
  }
  return field;
}

LocalMatrix<double> SceneModel::abundance_cols(const IndexRange& pixels) const {
  const std::int64_t k = scene_.endmembers;
  const std::int64_t rows = scene_.image_rows;
  LocalMatrix<double> ht(pixels.size, k);
  std::vector<double> field(static_cast<size_t>(k));
  for (std::int64_t p = 0; p < pixels.size; ++p) {
    const std::int64_t j = pixels.begin + p;
    const double row = static_cast<double>(j % rows);
    const double col = static_cast<double>(j / rows);
    double largest = -std::numeric_limits<double>::infinity();
    for (std::int64_t e = 0; e < k; ++e) {
      field[e] = scene_.mixing_sharpness * abundance_field(e, row, col);
      largest = std::max(largest, field[e]);
    }
    double total = 0.0;
    for (std::int64_t e = 0; e < k; ++e) {
      field[e] = std::exp(field[e] - largest);
      total += field[e];
    }
    for (std::int64_t e = 0; e < k; ++e) ht(p, e) = field[e] / total;
  }
  if (scene_.pure_pixels) {
    for (std::int64_t e = 0; e < k; ++e) {
      if (!pixels.contains(anchors_[e])) continue;
      const std::int64_t p = anchors_[e] - pixels.begin;
      for (std::int64_t l = 0; l < k; ++l) ht(p, l) = l == e ? 1.0 : 0.0;
    }
  }
  return ht;
}

template <typename T>
LocalMatrix<T> SceneModel::block(const IndexRange& bands, const IndexRange& pixels,
                                 double noise_sigma) const {
  const LocalMatrix<double> w = spectra_rows(bands);
  const LocalMatrix<double> ht = abundance_cols(pixels);
  const std::int64_t k = scene_.endmembers;
  const auto n = static_cast<std::uint64_t>(scene_.pixels());
  LocalMatrix<T> v(bands.size, pixels.size);
  for (std::int64_t r = 0; r < bands.size; ++r) {
    const auto band = static_cast<std::uint64_t>(bands.begin + r);
    const double sigma = noise_sigma * band_noise_factor(bands.begin + r);
    const BandDefect defect = band_defect(bands.begin + r);
    double level = 0.0;  // saturation level
    for (std::int64_t e = 0; e < k; ++e) level += kSaturation * w(r, e) / static_cast<double>(k);
    for (std::int64_t p = 0; p < pixels.size; ++p) {
      double value = 0.0;
      for (std::int64_t e = 0; e < k; ++e) value += w(r, e) * ht(p, e);
      if (sigma > 0) {
        const std::uint64_t index = band * n + static_cast<std::uint64_t>(pixels.begin + p);
        value += sigma * random_normal(scene_.seed, RandomStream::kNoise, index);
      }
      if (defect == BandDefect::kDead) value = 0.0;
      if (defect == BandDefect::kSaturated) value = std::min(value, level);
      v(r, p) = static_cast<T>(std::max(value, 0.0));
    }
  }
  return v;
}

double SceneModel::band_noise_factor(std::int64_t band) const {
  if (!scene_.band_noise) return 1.0;
  const auto shape = [&](std::int64_t b) {
    const double t = band_position(b, scene_.bands);
    return 0.3 + 3.0 * gaussian(t, (1400.0 - kFirstWavelength) / 2100.0, 0.03) +
           3.0 * gaussian(t, (1900.0 - kFirstWavelength) / 2100.0, 0.03);
  };
  // Scaled to a mean square of 1 over the bands, so --noise keeps its SNR.
  double mean_square = 0.0;
  for (std::int64_t b = 0; b < scene_.bands; ++b) mean_square += shape(b) * shape(b);
  mean_square /= static_cast<double>(scene_.bands);
  return shape(band) / std::sqrt(mean_square);
}

SceneModel::BandDefect SceneModel::band_defect(std::int64_t band) const {
  const double u = random_uniform(scene_.seed, RandomStream::kSceneBands,
                                  static_cast<std::uint64_t>(band));
  if (u < scene_.dead_bands) return BandDefect::kDead;
  if (u < scene_.dead_bands + scene_.saturated_bands) return BandDefect::kSaturated;
  return BandDefect::kNone;
}

double scene_noise_sigma(MPI_Comm comm, const SceneModel& model) {
  const HyperspectralScene& scene = model.scene();
  if (!scene.snr_db) return 0.0;
  const std::int64_t k = scene.endmembers;
  const std::int64_t n = scene.pixels();
  const LocalMatrix<double> w = model.spectra_rows({0, scene.bands});
  // W^T W by plain loops in a fixed order: a threaded BLAS could round
  // differently from one process to the next.
  LocalMatrix<double> gram(k, k);
  for (std::int64_t r = 0; r < w.rows; ++r) {
    for (std::int64_t a = 0; a < k; ++a) {
      for (std::int64_t b = 0; b < k; ++b) gram(a, b) += w(r, a) * w(r, b);
    }
  }

  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::int64_t chunks = (n + kPowerChunk - 1) / kPowerChunk;
  std::vector<double> chunk_power(static_cast<size_t>(chunks), 0.0);
  for (std::int64_t chunk = rank; chunk < chunks; chunk += size) {
    const IndexRange pixels{chunk * kPowerChunk, std::min(kPowerChunk, n - chunk * kPowerChunk)};
    const LocalMatrix<double> ht = model.abundance_cols(pixels);
    double power = 0.0;
    for (std::int64_t p = 0; p < pixels.size; ++p) {
      for (std::int64_t a = 0; a < k; ++a) {
        for (std::int64_t b = 0; b < k; ++b) power += ht(p, a) * gram(a, b) * ht(p, b);
      }
    }
    chunk_power[chunk] = power;
  }
  // Each slot is non-zero on one rank only, so the sum is exact in any order.
  comm::allreduce_sum(comm, chunk_power.data(), chunks);
  double signal = 0.0;
  for (const double power : chunk_power) signal += power;
  const double mean_signal = signal / (static_cast<double>(scene.bands) * static_cast<double>(n));
  return std::sqrt(mean_signal / std::pow(10.0, *scene.snr_db / 10.0));
}

template LocalMatrix<double> SceneModel::block<double>(const IndexRange&, const IndexRange&,
                                                       double) const;
template LocalMatrix<float> SceneModel::block<float>(const IndexRange&, const IndexRange&,
                                                     double) const;

}  // namespace gridnmf
