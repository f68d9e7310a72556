#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gridnmf/matrix/block_range.hpp"

namespace gridnmf::io {

// Creates the rows x cols dataset `name` in `file`, stored as `file_type`
// (H5T_STD_U8LE or H5T_STD_U16LE), and writes this rank's columns `mine`
// from `block` (rows x mine.size, row-major): how convert stores images, one
// column per image, each rank its own range. A rank without columns still
// takes part. `path` names the file in errors. Collective over the file's
// communicator.
void write_column_block(hid_t file, const std::string& path, const std::string& name,
                        hid_t file_type, std::int64_t rows, std::int64_t cols,
                        const IndexRange& mine, const std::vector<std::uint8_t>& block);
void write_column_block(hid_t file, const std::string& path, const std::string& name,
                        hid_t file_type, std::int64_t rows, std::int64_t cols,
                        const IndexRange& mine, const std::vector<std::uint16_t>& block);

}  // namespace gridnmf::io
