#pragma once

#include <string>

#include "gridnmf/io/text_matrix_format.hpp"

namespace gridnmf::io {

// Name files found beside a matrix file; empty when there is none.
struct NameFiles {
  std::string rows;
  std::string cols;
};

// The conventional companions of `matrix_path`:
// - Matrix Market PREFIXmatrix.mtx[.gz] (10x layout): rows from
//   PREFIXfeatures.tsv[.gz] or PREFIXgenes.tsv[.gz], columns from
//   PREFIXbarcodes.tsv[.gz];
// - UCI NAMEdocword.X.txt[.gz] (docword.kos.txt, kos_docword.kos.txt.gz):
//   rows from the same name with "vocab" for "docword", plain or .gz.
// Local; looks at the file system only.
NameFiles find_name_files(const std::string& matrix_path, TextMatrixFormat format);

}  // namespace gridnmf::io
