#include "gridnmf/config/topic_options.hpp"

#include "gridnmf/config/normalization.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/path_identity.hpp"

namespace gridnmf {

void TopOptions::validate() const {
  if (result.empty()) throw UsageError("--result is required");
  if (top < 1) throw UsageError("--n must be a positive integer, got " + std::to_string(top));
  if (coherence && input.empty()) {
    throw UsageError("--coherence needs --input, the matrix the model was trained on");
  }
  if (!coherence && !input.empty()) {
    throw UsageError("--input is read only with --coherence; add --coherence or drop --input");
  }
  if (!json.empty() &&
      (io::same_file(json, result) || (!input.empty() && io::same_file(json, input)))) {
    throw UsageError("--json '" + json + "' is an input file; choose another path");
  }
}

void TransformOptions::validate() const {
  if (model.empty()) throw UsageError("--model is required");
  if (input.empty()) throw UsageError("--input is required");
  if (output.empty()) throw UsageError("--output is required");
  if (dataset.empty()) throw UsageError("--dataset must not be empty");
  if (normalize != "model") normalization_from_string(normalize);
  if (max_iterations < 1) {
    throw UsageError("--max-iter must be >= 1, got " + std::to_string(max_iterations));
  }
  if (tolerance < 0) throw UsageError("--tol must be >= 0");
  if (print_every < 0) throw UsageError("--print-every must be >= 0");
  for (const std::string& read : {model, input}) {
    if (io::same_file(output, read)) {
      throw UsageError("--output '" + output + "' is an input file ('" + read +
                       "'); choose another path");
    }
  }
}

}  // namespace gridnmf
