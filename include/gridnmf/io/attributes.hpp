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

}  // namespace gridnmf::io
