#pragma once

#include <cmath>
#include <cstdint>

namespace gridnmf {

// The held-out mask of cross-validation: entry (row, col) of V, in the
// input's own order, is held out when a hash of (seed, row, col) falls below
// fraction * 2^64. A pure function, so every grid, rank count and --balance
// sees the same mask, and it is never stored. The hash is split into a row
// key and a column key so a block needs O(rows + cols) precomputed keys and
// one SplitMix64 finaliser per entry.
class HoldoutMask {
 public:
  HoldoutMask() = default;  // holds nothing out
  HoldoutMask(std::uint64_t seed, double fraction)
      : seed_(seed), threshold_(threshold_of(fraction)) {}

  bool active() const { return threshold_ > 0; }
  std::uint64_t row_key(std::int64_t row) const {
    return mix(seed_ ^ mix(static_cast<std::uint64_t>(row) + 0x632be59bd9b4e019ULL));
  }
  static std::uint64_t col_key(std::int64_t col) {
    return mix(static_cast<std::uint64_t>(col) * 0x9e3779b97f4a7c15ULL + 0x8cb92ba72f3d8dd7ULL);
  }
  bool hides_keys(std::uint64_t row_key, std::uint64_t col_key) const {
    return mix(row_key ^ col_key) < threshold_;
  }
  bool hides(std::int64_t row, std::int64_t col) const {
    return hides_keys(row_key(row), col_key(col));
  }

  // SplitMix64's finaliser: 64 well-mixed bits of x.
  static std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

 private:
  // fraction in [0, 1): fraction * 2^64 rounded down; 0 holds nothing out.
  static std::uint64_t threshold_of(double fraction) {
    if (!(fraction > 0.0)) return 0;
    return static_cast<std::uint64_t>(std::ldexp(fraction, 64));
  }

  std::uint64_t seed_ = 0;
  std::uint64_t threshold_ = 0;
};

// A missing entry of a dense block is stored as -0.0: V is otherwise
// non-negative, so the sign bit of a zero marks it at no memory cost, and
// every product, sum and scale treats it as the 0 it also is. The reader
// turns NaN into -0.0 under --missing nan (and a -0.0 in the file into +0.0).
template <typename T>
bool is_missing(T value) {
  return std::signbit(value);
}

}  // namespace gridnmf
