#include "gridnmf/io/attributes.hpp"

#include "gridnmf/error.hpp"
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

Hdf5Handle open_attribute(hid_t object, const std::string& name, H5T_class_t expected) {
  if (H5Aexists(object, name.c_str()) <= 0) throw Error("attribute '" + name + "' is missing");
  Hdf5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose,
                       "cannot open attribute '" + name + "'");
  Hdf5Handle type(H5Aget_type(attribute.get()), H5Tclose, "cannot read the type of " + name);
  if (H5Tget_class(type.get()) != expected) {
    throw Error("attribute '" + name + "' has an unexpected type");
  }
  return attribute;
}

}  // namespace

double read_double_attribute(hid_t object, const std::string& name) {
  Hdf5Handle attribute = open_attribute(object, name, H5T_FLOAT);
  double value = 0.0;
  check_hdf5(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "cannot read attribute " + name);
  return value;
}

double read_double_attribute_or(hid_t object, const std::string& name, double fallback) {
  if (H5Aexists(object, name.c_str()) <= 0) return fallback;
  return read_double_attribute(object, name);
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  Hdf5Handle attribute = open_attribute(object, name, H5T_INTEGER);
  std::int64_t value = 0;
  check_hdf5(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "cannot read attribute " + name);
  return value;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  Hdf5Handle attribute = open_attribute(object, name, H5T_STRING);
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create string type");
  check_hdf5(H5Tset_size(type.get(), H5T_VARIABLE), "cannot size string type");
  check_hdf5(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set string encoding");
  char* text = nullptr;
  check_hdf5(H5Aread(attribute.get(), type.get(), &text), "cannot read attribute " + name);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

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
