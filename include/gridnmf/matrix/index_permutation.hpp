#pragma once

#include <cstdint>

namespace gridnmf {

// A bijection of [0, size) that is a function of (seed, index) alone: no
// table, O(1) per index both ways, the same on every rank and every grid.
// Spreads the heavy rows and columns of a sparse matrix evenly over the
// blocks (a 4-round Feistel network on the next power of four, walked until
// it lands inside [0, size): under 4 steps on average). identity() keeps the
// order. Pure arithmetic.
class IndexPermutation {
 public:
  static IndexPermutation identity(std::int64_t size) { return IndexPermutation(size, 0, false); }
  static IndexPermutation random(std::int64_t size, std::uint64_t seed) {
    return IndexPermutation(size, seed, true);
  }

  // Where the original index goes (internal position), and back.
  std::int64_t forward(std::int64_t original) const;
  std::int64_t inverse(std::int64_t position) const;

  std::int64_t size() const { return size_; }
  bool is_identity() const { return !shuffled_; }

 private:
  IndexPermutation(std::int64_t size, std::uint64_t seed, bool shuffled);
  std::uint64_t round_value(int round, std::uint64_t half) const;
  std::uint64_t encrypt(std::uint64_t x) const;
  std::uint64_t decrypt(std::uint64_t x) const;

  std::int64_t size_;
  std::uint64_t seed_;
  bool shuffled_;
  int half_bits_ = 1;
  std::uint64_t half_mask_ = 1;
};

}  // namespace gridnmf
