#include "gridnmf/picture/rank_sweep_picture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gridnmf::picture {

namespace {

constexpr std::int64_t kLeft = 110;   // room for the y tick labels
constexpr std::int64_t kRight = 30;
constexpr std::int64_t kTop = 50;     // the picture's title line
constexpr std::int64_t kPanelHeight = 150;
constexpr std::int64_t kPanelGap = 50;  // a panel's title above it, tick labels below
constexpr std::int64_t kInset = 20;     // first and last k stay off the frame
constexpr int kTextSize = 2;
const Rgb kAxis{0, 0, 0};
const Rgb kGridLine{225, 225, 225};
const Rgb kTrain{31, 119, 180};
const Rgb kHeldout{255, 127, 14};
const Rgb kStability{44, 160, 44};

std::string short_text(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

// A line of `thickness` pixels between two points (steps of one pixel along
// the longer side).
void draw_line(Raster& raster, std::int64_t x0, std::int64_t y0, std::int64_t x1, std::int64_t y1,
               Rgb colour, int thickness = 2) {
  const std::int64_t steps = std::max(std::abs(x1 - x0), std::abs(y1 - y0));
  for (std::int64_t s = 0; s <= steps; ++s) {
    const double t = steps > 0 ? static_cast<double>(s) / static_cast<double>(steps) : 0.0;
    const std::int64_t x = x0 + std::lround(t * static_cast<double>(x1 - x0));
    const std::int64_t y = y0 + std::lround(t * static_cast<double>(y1 - y0));
    raster.fill(x - thickness / 2, y - thickness / 2, thickness, thickness, colour);
  }
}

// The value range of a panel, padded so no point sits on the frame.
struct Range {
  double low, high;
  std::int64_t row(double value, std::int64_t top) const {
    const double t = (value - low) / (high - low);
    return top + kPanelHeight - 1 - std::lround(t * static_cast<double>(kPanelHeight - 1));
  }
};

Range padded(double low, double high) {
  if (!(high > low)) {  // one value: a band around it
    const double half = low != 0.0 ? 0.1 * std::abs(low) : 0.5;
    return {low - half, high + half};
  }
  const double pad = 0.08 * (high - low);
  return {low - pad, high + pad};
}

// One panel: frame, three y ticks, the curve (with error bars when `spread`
// is given), the k ticks below, the title above.
void draw_panel(Raster& raster, std::int64_t top, const std::string& title,
                const std::vector<selection::RankRow>& rows, const std::vector<double>& value,
                const std::vector<double>* spread, Rgb colour) {
  const std::int64_t first_k = rows.front().k, last_k = rows.back().k;
  double low = value.front(), high = value.front();
  for (size_t i = 0; i < value.size(); ++i) {
    const double s = spread ? (*spread)[i] : 0.0;
    low = std::min(low, value[i] - s);
    high = std::max(high, value[i] + s);
  }
  const Range range = padded(low, high);
  const std::int64_t right = kSweepPictureWidth - kRight;
  for (int tick = 0; tick < 3; ++tick) {
    const double v = low + (high - low) * tick / 2.0;
    const std::int64_t y = range.row(v, top);
    raster.fill(kLeft, y, right - kLeft, 1, kGridLine);
    const std::string label = short_text(v);
    draw_text(raster, kLeft - 10 - text_width(label, kTextSize), y - text_height(kTextSize) / 2,
              label, kTextSize, kAxis);
  }
  // The frame.
  raster.fill(kLeft, top, right - kLeft, 1, kAxis);
  raster.fill(kLeft, top + kPanelHeight, right - kLeft, 1, kAxis);
  raster.fill(kLeft, top, 1, kPanelHeight, kAxis);
  raster.fill(right, top, 1, kPanelHeight + 1, kAxis);
  // k ticks: every k while their labels fit, else every few.
  const std::int64_t label_room = text_width(std::to_string(last_k), kTextSize) + 12;
  const std::int64_t count = static_cast<std::int64_t>(rows.size());
  const std::int64_t spacing = std::max<std::int64_t>(1, (right - kLeft - 2 * kInset) / count);
  const size_t every =
      static_cast<size_t>(std::max<std::int64_t>(1, (label_room + spacing - 1) / spacing));
  for (size_t i = 0; i < rows.size(); i += every) {
    const std::int64_t x = sweep_picture_column(rows[i].k, first_k, last_k);
    raster.fill(x, top + kPanelHeight, 1, 6, kAxis);
    const std::string label = std::to_string(rows[i].k);
    draw_text(raster, x - text_width(label, kTextSize) / 2, top + kPanelHeight + 10, label,
              kTextSize, kAxis);
  }
  draw_text(raster, kLeft, top - text_height(kTextSize) - 10, title, kTextSize, colour);
  // The curve, its bars, its points.
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::int64_t x = sweep_picture_column(rows[i].k, first_k, last_k);
    const std::int64_t y = range.row(value[i], top);
    if (i > 0) {
      draw_line(raster, sweep_picture_column(rows[i - 1].k, first_k, last_k),
                range.row(value[i - 1], top), x, y, colour);
    }
    if (spread && (*spread)[i] > 0) {
      const std::int64_t y_low = range.row(value[i] - (*spread)[i], top);
      const std::int64_t y_high = range.row(value[i] + (*spread)[i], top);
      draw_line(raster, x, y_low, x, y_high, colour, 1);
      raster.fill(x - 4, y_low, 9, 1, colour);
      raster.fill(x - 4, y_high, 9, 1, colour);
    }
    raster.fill(x - 3, y - 3, 7, 7, colour);
  }
}

// Dashes from top to bottom at column x.
void dashed_line(Raster& raster, std::int64_t x, std::int64_t top, std::int64_t bottom,
                 Rgb colour) {
  for (std::int64_t y = top; y < bottom; y += 10) {
    raster.fill(x - 1, y, 3, std::min<std::int64_t>(6, bottom - y), colour);
  }
}

}  // namespace

std::int64_t sweep_picture_column(std::int64_t k, std::int64_t first_k, std::int64_t last_k) {
  const std::int64_t left = kLeft + kInset;
  const std::int64_t width = kSweepPictureWidth - kRight - kInset - left;
  if (last_k <= first_k) return left + width / 2;
  return left + (k - first_k) * width / (last_k - first_k);
}

Raster draw_rank_sweep(const std::vector<selection::RankRow>& rows, std::int64_t recommended_k) {
  Raster raster(kSweepPictureWidth, kSweepPictureHeight);
  std::vector<double> train, heldout, heldout_se, stability;
  for (const selection::RankRow& row : rows) {
    train.push_back(row.train_mean);
    heldout.push_back(row.heldout_mean);
    heldout_se.push_back(row.heldout_se);
    stability.push_back(row.stability);
  }
  const std::int64_t step = kPanelHeight + kPanelGap;
  // The marker first, so the curves draw over it.
  const std::int64_t marked = sweep_picture_column(recommended_k, rows.front().k, rows.back().k);
  dashed_line(raster, marked, kTop, kTop + 2 * step + kPanelHeight, kRecommendedColour);
  draw_panel(raster, kTop, "training error (observed entries)", rows, train, nullptr, kTrain);
  draw_panel(raster, kTop + step, "held-out error (mean +- standard error)", rows, heldout,
             &heldout_se, kHeldout);
  draw_panel(raster, kTop + 2 * step, "stability (mean matched cosine)", rows, stability,
             nullptr, kStability);
  draw_text(raster, kLeft, 12, "select-rank: recommended k = " + std::to_string(recommended_k),
            kTextSize + 1, kRecommendedColour);
  const std::string axis = "k";
  draw_text(raster, kSweepPictureWidth / 2, kSweepPictureHeight - text_height(kTextSize) - 8, axis,
            kTextSize, kAxis);
  return raster;
}

}  // namespace gridnmf::picture
