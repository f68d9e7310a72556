#pragma once

#include <string>

namespace gridnmf {

// Preprocessing of V applied to each rank's block right after the read, in
// place (README "Normalisation" gives the formulas):
//   kTfidf      v_ij log(n / df_i), df_i the columns where row i is nonzero
//   kL1Columns  v_ij / sum_i v_ij (columns summing to 0 are left as they are)
//   kLog1p      log(1 + v_ij)
enum class Normalization { kNone, kTfidf, kL1Columns, kLog1p };

std::string to_string(Normalization normalization);  // "none", "tfidf", "l1-columns", "log1p"
// Throws UsageError naming the text and the accepted values.
Normalization normalization_from_string(const std::string& text);

}  // namespace gridnmf
