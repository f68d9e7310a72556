#pragma once

#include <cstdint>
#include <string>

namespace gridnmf {

// Options of `gridnmf images`: the picture of a result's components.
struct ImagesOptions {
  std::string result;            // gridnmf result with /W (pixels x k) and /H
  std::string output;            // PNG file; empty: the result's name with .png
  std::int64_t columns = 0;      // tiles per row; 0: about square
  int scale = 3;                 // screen pixels per image pixel
  std::int64_t reconstruct = 0;  // images shown next to their reconstruction
  std::string input;             // V for the originals; empty: the result's input
  std::string dataset;           // V's dataset; empty: the result's dataset
  std::string shape;             // image shape ROWSxCOLS; empty: from the files
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
