#pragma once

#include <string>

namespace gridnmf {

// Everything `gridnmf convert` needs, with its defaults.
struct ConvertOptions {
  std::string input;  // ENVI header (or raw file beside one), HDF5, Matrix Market or UCI docword
  std::string dataset = "V";   // name of V in the output (and in an HDF5 input)
  std::string output;          // HDF5 file in the layout of ../shared/data
  std::string precision = "keep";  // keep (the stored type), float32 or float64
  std::string row_names;  // sparse text input: one name per row (default: found beside it)
  std::string col_names;  // sparse text input: one name per column
  std::string labels;     // IDX input: labels file (default: the one beside the images)
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

// Everything `gridnmf evaluate` needs.
struct EvaluateOptions {
  std::string result;  // gridnmf output: /W (m x k), /H (k x n)
  std::string truth;   // /W_true, /H_true, /endmember_names (or /W, /H)
  std::string json;    // where to write the scores as JSON; empty: not written
  bool quiet = false;

  // Throws UsageError naming the option. Replicated on every rank.
  void validate() const;
};

}  // namespace gridnmf
