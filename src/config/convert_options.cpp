#include "gridnmf/config/convert_options.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

void ConvertOptions::validate() const {
  if (input.empty()) throw UsageError("--input is required");
  if (output.empty()) throw UsageError("--output is required");
  if (output == input) throw UsageError("--output must differ from --input");
  if (dataset.empty()) throw UsageError("--dataset must not be empty");
  if (precision != "keep" && precision != "float32" && precision != "float64") {
    throw UsageError("--precision must be keep, float32 or float64, got '" + precision + "'");
  }
  if ((!row_names.empty() && row_names == output) || (!col_names.empty() && col_names == output)) {
    throw UsageError("--output must differ from --row-names and --col-names");
  }
}

void EvaluateOptions::validate() const {
  if (result.empty()) throw UsageError("--result is required");
  if (truth.empty()) throw UsageError("--truth is required");
  if (!json.empty() && (json == result || json == truth)) {
    throw UsageError("--json must differ from --result and --truth");
  }
}

}  // namespace gridnmf
