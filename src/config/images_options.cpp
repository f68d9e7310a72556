#include "gridnmf/config/images_options.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

void ImagesOptions::validate() const {
  if (result.empty()) throw UsageError("--result is required (a gridnmf result file)");
  if (columns < 0) throw UsageError("--columns must be >= 0 (0: about square)");
  if (scale < 1 || scale > 64) throw UsageError("--scale must be between 1 and 64");
  if (reconstruct < 0 || reconstruct > 100) {
    throw UsageError("--reconstruct must be between 0 and 100 images");
  }
}

}  // namespace gridnmf
