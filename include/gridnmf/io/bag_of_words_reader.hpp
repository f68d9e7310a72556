#pragma once

#include <string>

#include "gridnmf/io/sparse_triplets.hpp"

namespace gridnmf::io {

// Reads a UCI bag-of-words docword file, plain or gzip-compressed: three
// header lines D (documents), W (words), NNZ, then NNZ lines
// "docID wordID count", 1-based; blank lines are skipped. gridnmf wants rows
// = features and columns = samples, so the result is W x D: row wordID - 1,
// column docID - 1, counts as int64. Bad headers, indices, counts and entry
// numbers fail with one line naming the file and line. Local (no MPI).
SparseTextMatrix read_bag_of_words(const std::string& path);

}  // namespace gridnmf::io
