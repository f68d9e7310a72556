#include "gridnmf/io/sparse_hdf5_writer.hpp"

#include <hdf5.h>

#include <cstdint>

#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

namespace {

void write_dataset(hid_t location, const std::string& name, hid_t file_type, hid_t memory_type,
                   hsize_t length, const void* values) {
  const hsize_t extent[1] = {length};
  Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe " + name);
  Hdf5Handle data(H5Dcreate2(location, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, "cannot create dataset " + name);
  if (length > 0) {
    check_hdf5(H5Dwrite(data.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values),
               "cannot write dataset " + name);
  }
  data.close("cannot write dataset " + name);
}

void write_int64(hid_t location, const std::string& name, const std::vector<std::int64_t>& values) {
  write_dataset(location, name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data());
}

// Variable-length UTF-8 strings: what h5py writes for h5py.string_dtype().
void write_strings(hid_t location, const std::string& name,
                   const std::vector<std::string>& values) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_hdf5(H5Tset_size(type.get(), H5T_VARIABLE), "cannot size string type");
  check_hdf5(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set string encoding");
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) pointers.push_back(value.c_str());
  write_dataset(location, name, type.get(), type.get(), pointers.size(), pointers.data());
}

void write_shape_attribute(hid_t object, std::int64_t rows, std::int64_t cols) {
  const hsize_t extent[1] = {2};
  const std::int64_t shape[2] = {rows, cols};
  Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe shape");
  Hdf5Handle attribute(
      H5Acreate2(object, "shape", H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
      "cannot create attribute shape");
  check_hdf5(H5Awrite(attribute.get(), H5T_NATIVE_INT64, shape), "cannot write attribute shape");
}

}  // namespace

void write_sparse_hdf5(const std::string& path, const std::string& group, const CsrMatrix& matrix,
                       const SparseFileExtras& extras) {
  Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                  "cannot create HDF5 file '" + path + "'");
  {
    // A --dataset such as "counts/V" creates its parent groups.
    Hdf5Handle links(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "cannot create link properties");
    check_hdf5(H5Pset_create_intermediate_group(links.get(), 1), "cannot set link properties");
    Hdf5Handle csr(H5Gcreate2(file.get(), group.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose, "cannot create group /" + group + " in '" + path + "'");
    if (matrix.value_type == SparseValueType::kInteger) {
      write_int64(csr.get(), "data", matrix.integer_values);
    } else {
      write_dataset(csr.get(), "data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, matrix.real_values.size(),
                    matrix.real_values.data());
    }
    write_int64(csr.get(), "indices", matrix.indices);
    write_int64(csr.get(), "indptr", matrix.indptr);
    write_attribute(csr.get(), "format", std::string("csr"));
    write_shape_attribute(csr.get(), matrix.rows, matrix.cols);
  }
  if (!extras.row_names.empty()) write_strings(file.get(), "row_names", extras.row_names);
  if (!extras.col_names.empty()) write_strings(file.get(), "col_names", extras.col_names);
  for (const auto& [name, value] : extras.root_attributes) {
    write_attribute(file.get(), name, value);
  }
  file.close("cannot close '" + path + "' (disk full?)");
}

}  // namespace gridnmf::io
