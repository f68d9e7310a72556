#include "gridnmf/io/vector_dataset.hpp"

#include <algorithm>

#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::io {

namespace {

void write_1d(hid_t location, const std::string& name, hid_t file_type, hid_t memory_type,
              std::size_t count, const void* data, bool writer) {
  const hsize_t extent[1] = {static_cast<hsize_t>(count)};
  Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose,
                   "cannot describe dataset " + name);
  Hdf5Handle dataset(H5Dcreate2(location, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT),
                     H5Dclose, "cannot create dataset " + name);
  Hdf5Handle memory_space(H5Screate_simple(1, extent, nullptr), H5Sclose,
                          "cannot describe dataset " + name);
  if (!writer || count == 0) {
    H5Sselect_none(space.get());
    H5Sselect_none(memory_space.get());
  }
  Hdf5Handle transfer = collective_transfer();
  check_hdf5(H5Dwrite(dataset.get(), memory_type, memory_space.get(), space.get(),
                      transfer.get(), data),
             "cannot write dataset " + name);
}

}  // namespace

void write_vector_dataset(hid_t location, const std::string& name,
                          const std::vector<double>& values, bool writer) {
  write_1d(location, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.size(), values.data(),
           writer);
}

void write_vector_dataset(hid_t location, const std::string& name,
                          const std::vector<std::int64_t>& values, bool writer) {
  write_1d(location, name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data(),
           writer);
}

void write_string_dataset(hid_t location, const std::string& name,
                          const std::vector<std::string>& values, bool writer) {
  std::size_t width = 1;
  for (const std::string& value : values) width = std::max(width, value.size());
  std::vector<char> packed(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), packed.begin() + i * width);
  }
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_hdf5(H5Tset_size(type.get(), width), "cannot size string type");
  check_hdf5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "cannot set string padding");
  write_1d(location, name, type.get(), type.get(), values.size(), packed.data(), writer);
}

}  // namespace gridnmf::io
