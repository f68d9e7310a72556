// Uses the installed headers and library: succeeds only if the package works.
#include <gridnmf/grid/grid_shape.hpp>
#include <gridnmf/matrix/distribution.hpp>
#include <gridnmf/version.hpp>

#include <cstdio>
#include <cstring>

int main() {
  const gridnmf::GridShape shape = gridnmf::choose_grid_shape(6000, 6000, 4);
  const gridnmf::Distribution dist(6000, 6000, shape.rows, shape.cols);
  std::printf("gridnmf %s: %s, block %lld rows\n", gridnmf::kVersion, shape.to_string().c_str(),
              static_cast<long long>(dist.block_rows(0).size));
  return shape.to_string() == "2x2" && std::strlen(gridnmf::kVersion) > 0 ? 0 : 1;
}
