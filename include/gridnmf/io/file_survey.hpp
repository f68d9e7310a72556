#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>

namespace gridnmf::io {

// What the file at `path` looks like, for an error message about a file that
// is not what was expected: "empty (0 bytes)", "a NumPy .npy file", "a text
// file starting 'a,b,c'", "gzip-compressed data", "a zip archive (.npz?)",
// "binary data starting with bytes 00 01 ...". Reads at most 4 KiB. Local.
std::string describe_file_start(const std::string& path);

// The 2-D numeric datasets and sparse groups (data/indices/indptr) in `file`,
// as "/data (100 x 20 float64), /counts (sparse group)", at most `limit`
// entries (then ", ..."); "" when there is none. Walks the whole file in the
// same order on every rank (collective metadata reads): call it on all ranks.
std::string list_matrices(hid_t file, std::size_t limit = 10);

}  // namespace gridnmf::io
