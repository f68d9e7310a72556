#include "gridnmf/init/random_init.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/init/counter_random.hpp"

namespace gridnmf {

double random_init_scale(double v_mean, std::int64_t k) {
  return 2.0 * std::sqrt(std::max(v_mean, 0.0) / static_cast<double>(k));
}


template <typename T>
LocalMatrix<T> random_w_rows(const IndexRange& rows, std::int64_t k, std::uint64_t seed,
                             double scale) {
  return uniform_rows<T>(rows, k, seed, RandomStream::kInitialW, scale);
}

template <typename T>
LocalMatrix<T> random_ht_cols(const IndexRange& cols, std::int64_t k, std::uint64_t seed,
                              double scale) {
  return uniform_rows<T>(cols, k, seed, RandomStream::kInitialH, scale);
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
