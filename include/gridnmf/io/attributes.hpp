#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>

namespace gridnmf::io {

// Scalar attributes on an HDF5 object. In parallel HDF5 attribute writes are
// collective: every rank calls with the same value.
void write_attribute(hid_t object, const std::string& name, double value);
void write_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_attribute(hid_t object, const std::string& name, const std::string& value);

// Reads a scalar attribute written as above, converting to the requested
// type; throws Error naming `name` if it is missing or not of that class.
double read_double_attribute(hid_t object, const std::string& name);
// The attribute, or `fallback` when the object has none (older files).
double read_double_attribute_or(hid_t object, const std::string& name, double fallback);
std::int64_t read_int_attribute(hid_t object, const std::string& name);
std::string read_string_attribute(hid_t object, const std::string& name);

}  // namespace gridnmf::io
