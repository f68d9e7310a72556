#include "gridnmf/io/name_files.hpp"

#include <filesystem>
#include <initializer_list>

namespace gridnmf::io {

namespace {

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

std::string first_existing(const std::string& prefix, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    for (const char* suffix : {".gz", ""}) {
      const std::string candidate = prefix + name + suffix;
      if (std::filesystem::is_regular_file(candidate)) return candidate;
    }
  }
  return {};
}

NameFiles find_10x_names(const std::string& path) {
  for (const char* tail : {"matrix.mtx", "matrix.mtx.gz"}) {
    if (ends_with(path, tail)) {
      const std::string prefix = path.substr(0, path.size() - std::string(tail).size());
      return {first_existing(prefix, {"features.tsv", "genes.tsv"}),
              first_existing(prefix, {"barcodes.tsv"})};
    }
  }
  return {};
}

NameFiles find_vocabulary(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path file(path);
  std::string name = file.filename().string();
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  const std::size_t docword = name.rfind("docword");
  if (docword == std::string::npos) return {};
  name.replace(docword, std::string("docword").size(), "vocab");
  const std::string stem = (file.parent_path() / name).string();
  return {first_existing(stem, {""}), {}};
}

}  // namespace

NameFiles find_name_files(const std::string& matrix_path, TextMatrixFormat format) {
  if (format == TextMatrixFormat::kMatrixMarket) return find_10x_names(matrix_path);
  if (format == TextMatrixFormat::kBagOfWords) return find_vocabulary(matrix_path);
  return {};
}

}  // namespace gridnmf::io
