#include "gridnmf/io/column_block.hpp"

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::io {

namespace {

void write_columns(hid_t file, const std::string& path, const std::string& name,
                   hid_t file_type, std::int64_t rows, std::int64_t cols, const IndexRange& mine,
                   hid_t memory_type, const void* block) {
  const hsize_t extent[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose, "cannot describe /" + name);
  Hdf5Handle data(H5Dcreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, "cannot create /" + name + " in " + path);
  const hsize_t start[2] = {0, static_cast<hsize_t>(mine.begin)};
  const hsize_t count[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(mine.size)};
  Hdf5Handle memory(H5Screate_simple(2, count, nullptr), H5Sclose, "cannot describe /" + name);
  if (mine.size > 0) {
    check_hdf5(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
               "cannot select the columns of /" + name);
  } else {
    H5Sselect_none(space.get());
    H5Sselect_none(memory.get());
  }
  Hdf5Handle transfer = collective_transfer();
  check_hdf5(H5Dwrite(data.get(), memory_type, memory.get(), space.get(), transfer.get(), block),
             "cannot write /" + name + " in " + path);
}

}  // namespace

void write_column_block(hid_t file, const std::string& path, const std::string& name,
                        hid_t file_type, std::int64_t rows, std::int64_t cols,
                        const IndexRange& mine, const std::vector<std::uint8_t>& block) {
  write_columns(file, path, name, file_type, rows, cols, mine, H5T_NATIVE_UINT8, block.data());
}

void write_column_block(hid_t file, const std::string& path, const std::string& name,
                        hid_t file_type, std::int64_t rows, std::int64_t cols,
                        const IndexRange& mine, const std::vector<std::uint16_t>& block) {
  write_columns(file, path, name, file_type, rows, cols, mine, H5T_NATIVE_UINT16, block.data());
}

}  // namespace gridnmf::io
