#include "gridnmf/matrix/index_permutation.hpp"

namespace gridnmf {

namespace {

constexpr int kRounds = 4;

// SplitMix64's finaliser: a good 64-bit mix, cheap enough for every index.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

IndexPermutation::IndexPermutation(std::int64_t size, std::uint64_t seed, bool shuffled)
    : size_(size), seed_(seed), shuffled_(shuffled && size > 1) {
  // The smallest 2 * half_bits_ bits that cover [0, size).
  while ((std::uint64_t{1} << (2 * half_bits_)) < static_cast<std::uint64_t>(size_)) ++half_bits_;
  half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
}

std::uint64_t IndexPermutation::round_value(int round, std::uint64_t half) const {
  return mix(mix(seed_ ^ (0x5851f42d4c957f2dULL * static_cast<std::uint64_t>(round + 1))) ^
             half) & half_mask_;
}

std::uint64_t IndexPermutation::encrypt(std::uint64_t x) const {
  std::uint64_t left = x >> half_bits_, right = x & half_mask_;
  for (int round = 0; round < kRounds; ++round) {
    const std::uint64_t next = left ^ round_value(round, right);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::uint64_t IndexPermutation::decrypt(std::uint64_t x) const {
  std::uint64_t left = x >> half_bits_, right = x & half_mask_;
  for (int round = kRounds - 1; round >= 0; --round) {
    const std::uint64_t previous = right ^ round_value(round, left);
    right = left;
    left = previous;
  }
  return (left << half_bits_) | right;
}

// Cycle walking: a bijection of the power-of-four domain, applied until the
// value is back inside [0, size), is a bijection of [0, size).
std::int64_t IndexPermutation::forward(std::int64_t original) const {
  if (!shuffled_) return original;
  std::uint64_t x = static_cast<std::uint64_t>(original);
  do {
    x = encrypt(x);
  } while (x >= static_cast<std::uint64_t>(size_));
  return static_cast<std::int64_t>(x);
}

std::int64_t IndexPermutation::inverse(std::int64_t position) const {
  if (!shuffled_) return position;
  std::uint64_t x = static_cast<std::uint64_t>(position);
  do {
    x = decrypt(x);
  } while (x >= static_cast<std::uint64_t>(size_));
  return static_cast<std::int64_t>(x);
}

}  // namespace gridnmf
