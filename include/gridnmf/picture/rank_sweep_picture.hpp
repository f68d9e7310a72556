#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/picture/raster.hpp"
#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::picture {

// The picture of a select-rank table: three panels stacked, sharing the k
// axis: training error, held-out error (mean, bars of one standard error)
// and stability, each against k, with the recommended k marked by a dashed
// vertical line in kRecommendedColour through every panel and its title.
// Fixed layout, so a test can find a k's column: the picture is
// kSweepPictureWidth x kSweepPictureHeight and k sits at column
// sweep_picture_column(k, first k, last k).
inline constexpr std::int64_t kSweepPictureWidth = 800;
inline constexpr std::int64_t kSweepPictureHeight = 660;
inline constexpr Rgb kRecommendedColour{214, 39, 40};

std::int64_t sweep_picture_column(std::int64_t k, std::int64_t first_k, std::int64_t last_k);

// rows ascending in k, at least one. Local, no MPI.
Raster draw_rank_sweep(const std::vector<selection::RankRow>& rows, std::int64_t recommended_k);

}  // namespace gridnmf::picture
