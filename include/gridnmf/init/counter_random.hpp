#pragma once

#include <cstdint>

#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// Counter-based random numbers: a pure function of (seed, stream, index), so a
// value depends on the global position of an entry and never on which rank
// computes it or in what order. Streams keep the different matrices apart.
enum class RandomStream : std::uint64_t {
  kInitialW = 1,
  kInitialH = 2,
  kTrueW = 3,
  kTrueH = 4,
  kNoise = 5,
  kSketch = 6,  // test matrix of the randomized SVD
  kFillW = 7,   // small random entries NNDSVDar puts in place of zeros
  kFillH = 8,
  kSceneSpectra = 20,    // hyperspectral scene: endmember spectra
  kSceneAbundance = 21,  // hyperspectral scene: abundance fields and pure pixels
  kVcaDirections = 22,   // VCA's random directions
  kSceneBands = 23,      // hyperspectral scene: dead and saturated bands
};

// 64 well-mixed bits (SplitMix64 finaliser applied to a keyed counter).
std::uint64_t random_bits(std::uint64_t seed, RandomStream stream, std::uint64_t index);

// Uniform in the open interval (0, 1): never exactly 0, so MU can move every entry.
double random_uniform(std::uint64_t seed, RandomStream stream, std::uint64_t index);

// Standard normal (Box-Muller on two uniforms drawn at 2*index and 2*index+1).
double random_normal(std::uint64_t seed, RandomStream stream, std::uint64_t index);

// Rows `rows` of a matrix with `width` columns whose entry (r, c) is
// scale * random_uniform(seed, stream, r * width + c): any rank can make any
// rows, and they are the same on every grid.
template <typename T>
LocalMatrix<T> uniform_rows(const IndexRange& rows, std::int64_t width, std::uint64_t seed,
                            RandomStream stream, double scale);

}  // namespace gridnmf
