#include "gridnmf/init/counter_random.hpp"

#include <cmath>

namespace gridnmf {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t random_bits(std::uint64_t seed, RandomStream stream, std::uint64_t index) {
  // Two rounds: the first separates (seed, stream) keys, the second the indices.
  const std::uint64_t key = mix(seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(stream));
  return mix(key ^ (index * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
}

double random_uniform(std::uint64_t seed, RandomStream stream, std::uint64_t index) {
  // 53 random bits, shifted by half a step so 0 and 1 are excluded.
  const std::uint64_t bits = random_bits(seed, stream, index) >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

double random_normal(std::uint64_t seed, RandomStream stream, std::uint64_t index) {
  const double u1 = random_uniform(seed, stream, 2 * index);
  const double u2 = random_uniform(seed, stream, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

template <typename T>
LocalMatrix<T> uniform_rows(const IndexRange& rows, std::int64_t width, std::uint64_t seed,
                            RandomStream stream, double scale) {
  LocalMatrix<T> out(rows.size, width);
  for (std::int64_t r = 0; r < rows.size; ++r) {
    const auto first = static_cast<std::uint64_t>((rows.begin + r) * width);
    for (std::int64_t c = 0; c < width; ++c) {
      out(r, c) = static_cast<T>(scale * random_uniform(seed, stream, first + c));
    }
  }
  return out;
}

template LocalMatrix<double> uniform_rows<double>(const IndexRange&, std::int64_t, std::uint64_t,
                                                  RandomStream, double);
template LocalMatrix<float> uniform_rows<float>(const IndexRange&, std::int64_t, std::uint64_t,
                                                RandomStream, double);

}  // namespace gridnmf
