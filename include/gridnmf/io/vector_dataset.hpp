#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::io {

// 1-D datasets holding small replicated data (wavelengths, endmember names,
// pixel indices). Every rank calls with the same values; only `writer` (one
// rank) writes them. Collective over the file's communicator.
void write_vector_dataset(hid_t location, const std::string& name,
                          const std::vector<double>& values, bool writer);
void write_vector_dataset(hid_t location, const std::string& name,
                          const std::vector<std::int64_t>& values, bool writer);

// Fixed-length, null-padded ASCII strings as wide as the longest one (what
// numpy's S dtype and the scenes in ../shared/data use). Collective.
void write_string_dataset(hid_t location, const std::string& name,
                          const std::vector<std::string>& values, bool writer);

// The strings of a 1-D string dataset (fixed-length or variable-length, as
// h5py, numpy and 10x write them) at `path` below `location`, read by the
// calling rank alone; empty when absent or not 1-D strings.
std::vector<std::string> read_string_dataset(hid_t location, const std::string& path);

}  // namespace gridnmf::io
