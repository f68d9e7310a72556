#include "gridnmf/config/precision.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string to_string(Precision precision) {
  return precision == Precision::kFloat32 ? "float32" : "float64";
}

Precision precision_from_string(const std::string& text) {
  if (text == "float64") return Precision::kFloat64;
  if (text == "float32") return Precision::kFloat32;
  throw UsageError("unknown --precision '" + text + "' (supported: float64, float32)");
}

}  // namespace gridnmf
