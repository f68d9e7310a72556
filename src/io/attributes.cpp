#include "gridnmf/io/attributes.hpp"

#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

namespace {

void write_scalar(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                  const void* value) {
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot create attribute space");
  Hdf5Handle attribute(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT),
                       H5Aclose, "cannot create attribute " + name);
  check_hdf5(H5Awrite(attribute.get(), memory_type, value), "cannot write attribute " + name);
}

}  // namespace

void write_attribute(hid_t object, const std::string& name, double value) {
  write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_attribute(hid_t object, const std::string& name, const std::string& value) {
  // Variable-length UTF-8 strings read as str in h5py and as char in MATLAB.
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_hdf5(H5Tset_size(type.get(), H5T_VARIABLE), "cannot size string type");
  check_hdf5(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set string encoding");
  const char* text = value.c_str();
  write_scalar(object, name, type.get(), type.get(), &text);
}

}  // namespace gridnmf::io
