#include "gridnmf/config/normalization.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

std::string to_string(Normalization normalization) {
  switch (normalization) {
    case Normalization::kNone: return "none";
    case Normalization::kTfidf: return "tfidf";
    case Normalization::kL1Columns: return "l1-columns";
    case Normalization::kLog1p: return "log1p";
  }
  return "none";
}

Normalization normalization_from_string(const std::string& text) {
  for (const Normalization candidate : {Normalization::kNone, Normalization::kTfidf,
                                        Normalization::kL1Columns, Normalization::kLog1p}) {
    if (text == to_string(candidate)) return candidate;
  }
  throw UsageError("unknown --normalize '" + text +
                   "' (supported: none, tfidf, l1-columns, log1p)");
}

}  // namespace gridnmf
