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

}  // namespace gridnmf::io
