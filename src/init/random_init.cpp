#include "gridnmf/init/random_init.hpp"

#include <cmath>

#include "gridnmf/init/counter_random.hpp"

namespace gridnmf {

double random_init_scale(double v_mean, std::int64_t k) {
  return 2.0 * std::sqrt(std::max(v_mean, 0.0) / static_cast<double>(k));
}

namespace {

// Fills rows x k entries of global row `range.begin + r` from one stream.
template <typename T>
LocalMatrix<T> random_rows(const IndexRange& range, std::int64_t k, std::uint64_t seed,
                           RandomStream stream, double scale) {
  LocalMatrix<T> out(range.size, k);
  for (std::int64_t r = 0; r < range.size; ++r) {
    const auto global = static_cast<std::uint64_t>(range.begin + r);
    for (std::int64_t c = 0; c < k; ++c) {
      out(r, c) = static_cast<T>(scale * random_uniform(seed, stream, global * k + c));
    }
  }
  return out;
}

}  // namespace

template <typename T>
LocalMatrix<T> random_w_rows(const IndexRange& rows, std::int64_t k, std::uint64_t seed,
                             double scale) {
  return random_rows<T>(rows, k, seed, RandomStream::kInitialW, scale);
}

template <typename T>
LocalMatrix<T> random_ht_cols(const IndexRange& cols, std::int64_t k, std::uint64_t seed,
                              double scale) {
  return random_rows<T>(cols, k, seed, RandomStream::kInitialH, scale);
}

template LocalMatrix<double> random_w_rows<double>(const IndexRange&, std::int64_t,
                                                   std::uint64_t, double);
template LocalMatrix<float> random_w_rows<float>(const IndexRange&, std::int64_t, std::uint64_t,
                                                 double);
template LocalMatrix<double> random_ht_cols<double>(const IndexRange&, std::int64_t,
                                                    std::uint64_t, double);
template LocalMatrix<float> random_ht_cols<float>(const IndexRange&, std::int64_t, std::uint64_t,
                                                  double);

}  // namespace gridnmf
