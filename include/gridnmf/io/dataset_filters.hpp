#pragma once

#include <hdf5.h>

#include <string>

namespace gridnmf::io {

// Throws Error naming the first filter of `dataset` (an open dataset) that
// this HDF5 library cannot apply, e.g. "LZF (HDF5 filter 32000)", so that a
// compressed dataset whose plugin is missing is not reported as a truncated or
// corrupt file. `where` names the dataset in the message. Local (call inside
// an agreement).
void check_filters_available(hid_t dataset, const std::string& where);

}  // namespace gridnmf::io
