#pragma once

#include <string>
#include <vector>

namespace gridnmf::io {

// The names in a name file, plain or gzip-compressed, one per line (a '\r'
// before the '\n' is dropped). A line with tab-separated columns, such as a
// 10x features.tsv "id<TAB>name<TAB>type" or a genes.tsv "id<TAB>name", gives
// its second column (the gene name); a line without a tab is used whole.
// Local (no MPI); throws Error naming the file when it cannot be read.
std::vector<std::string> read_name_list(const std::string& path);

}  // namespace gridnmf::io
