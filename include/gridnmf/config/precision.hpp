#pragma once

#include <string>

namespace gridnmf {

// Floating-point precision of a run: of V in memory, W, H and the output.
enum class Precision { kFloat64, kFloat32 };

std::string to_string(Precision precision);  // "float64" / "float32"
// Throws UsageError naming the text and the accepted values.
Precision precision_from_string(const std::string& text);

}  // namespace gridnmf
