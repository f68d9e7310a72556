#include "gridnmf/config/convert_options.hpp"

#include <utility>

#include "gridnmf/error.hpp"
#include "gridnmf/io/path_identity.hpp"

namespace gridnmf {

void ConvertOptions::validate() const {
  if (input.empty()) throw UsageError("--input is required");
  if (output.empty()) throw UsageError("--output is required");
  if (io::same_file(output, input)) {
    throw UsageError("--output '" + output + "' is the input file (--input '" + input +
                     "'); choose another path");
  }
  if (dataset.empty()) throw UsageError("--dataset must not be empty");
  if (precision != "keep" && precision != "float32" && precision != "float64") {
    throw UsageError("--precision must be keep, float32 or float64, got '" + precision + "'");
  }
  if ((!row_names.empty() && row_names == output) || (!col_names.empty() && col_names == output)) {
    throw UsageError("--output must differ from --row-names and --col-names");
  }
  if (!labels.empty() && io::same_file(output, labels)) {
    throw UsageError("--output '" + output + "' is the --labels file; choose another path");
  }
}

void EvaluateOptions::validate() const {
  if (result.empty()) throw UsageError("--result is required");
  if (truth.empty()) throw UsageError("--truth is required");
  for (const auto& [option, path] : {std::pair{"--result", result}, std::pair{"--truth", truth}}) {
    if (io::same_file(json, path)) {
      throw UsageError("--json '" + json + "' is the " + std::string(option) + " file ('" + path +
                       "'); choose another path");
    }
  }
}

}  // namespace gridnmf
