#pragma once

#include <string>

namespace gridnmf::io {

// The sparse text formats `gridnmf convert` reads besides HDF5 and ENVI.
enum class TextMatrixFormat { kNone, kMatrixMarket, kBagOfWords };

// Decides from the file's content (gzip or not) and, when the content is not
// conclusive, its name: Matrix Market when it starts with "%%MatrixMarket" or
// is named *.mtx[.gz]; UCI docword when its first three non-blank lines are
// single numbers or it is named *docword*; kNone for HDF5, ENVI headers and
// raw files, and missing files (left to MatrixSource). Throws Error with one
// line saying what the file looks like for a text or gzip file that is none
// of these. Local (no MPI); run on rank 0 and broadcast.
TextMatrixFormat detect_text_matrix_format(const std::string& path);

// "Matrix Market" or "UCI docword", for messages.
std::string to_string(TextMatrixFormat format);

}  // namespace gridnmf::io
