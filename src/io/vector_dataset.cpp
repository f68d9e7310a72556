#include "gridnmf/io/vector_dataset.hpp"

#include <algorithm>
#include <vector>

#include "gridnmf/io/dataset_filters.hpp"
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

// A 1-D dataset's length, or -1 when `name` is absent or not a 1-D dataset.
std::int64_t string_vector_length(hid_t location, const char* name, Hdf5Handle& data) {
  // Each step of a nested path must exist before H5Lexists may look further.
  const std::string path(name);
  for (std::size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (slash > 0 && H5Lexists(location, path.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) {
      return -1;
    }
  }
  if (H5Lexists(location, name, H5P_DEFAULT) <= 0) return -1;
  H5O_info_t info;
  if (H5Oget_info_by_name(location, name, &info, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_DATASET) {
    return -1;
  }
  data = Hdf5Handle(H5Dopen2(location, name, H5P_DEFAULT), H5Dclose,
                    std::string("cannot open ") + name);
  check_filters_available(data.get(), name);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read a dataset's shape");
  if (H5Sget_simple_extent_ndims(space.get()) != 1) return -1;
  hsize_t length = 0;
  H5Sget_simple_extent_dims(space.get(), &length, nullptr);
  return static_cast<std::int64_t>(length);
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
  // Words and gene names are UTF-8; h5py then decodes them as text.
  check_hdf5(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set string encoding");
  write_1d(location, name, type.get(), type.get(), values.size(), packed.data(), writer);
}

std::vector<std::string> read_string_dataset(hid_t location, const std::string& path) {
  const char* name = path.c_str();
  Hdf5Handle data;
  const std::int64_t count = string_vector_length(location, name, data);
  if (count <= 0) return {};
  Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, std::string("cannot read the type of ") + name);
  if (H5Tget_class(type.get()) != H5T_STRING) return {};
  std::vector<std::string> names;
  if (H5Tis_variable_str(type.get()) > 0) {
    Hdf5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create a string type");
    H5Tset_size(memory.get(), H5T_VARIABLE);
    // HDF5 converts no string between character sets: h5py writes UTF-8.
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    std::vector<char*> text(static_cast<std::size_t>(count), nullptr);
    check_hdf5(H5Dread(data.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()),
               std::string("cannot read /") + name);
    for (char* item : text) names.emplace_back(item ? item : "");
    Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read a dataset's shape");
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, text.data());
    return names;
  }
  const std::size_t width = H5Tget_size(type.get());
  Hdf5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create a string type");
  H5Tset_size(memory.get(), width);
  H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
  H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
  std::vector<char> buffer(width * static_cast<std::size_t>(count), '\0');
  check_hdf5(H5Dread(data.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
             std::string("cannot read /") + name);
  for (std::int64_t i = 0; i < count; ++i) {
    std::string item(buffer.data() + i * width, width);
    item.erase(item.find_last_not_of(std::string(" \0", 2)) + 1);
    names.push_back(item);
  }
  return names;
}

}  // namespace gridnmf::io
