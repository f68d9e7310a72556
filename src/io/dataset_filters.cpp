#include "gridnmf/io/dataset_filters.hpp"

#include "gridnmf/error.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/printable_text.hpp"

namespace gridnmf::io {

namespace {

// Names of the registered third-party filters met in practice.
std::string filter_name(H5Z_filter_t id, const char* stored_name) {
  switch (id) {
    case 307: return "bzip2";
    case 32000: return "LZF";
    case 32001: return "Blosc";
    case 32004: return "LZ4";
    case 32008: return "bitshuffle";
    case 32013: return "zfp";
    case 32015: return "Zstandard";
    case H5Z_FILTER_SZIP: return "SZIP";
    default: break;
  }
  const std::string name = printable_excerpt(stored_name, 40);
  return name.empty() ? "an unknown filter" : "'" + name + "'";
}

}  // namespace

void check_filters_available(hid_t dataset, const std::string& where) {
  Hdf5Handle plist(H5Dget_create_plist(dataset), H5Pclose,
                   "cannot read the storage properties of " + where);
  const int filters = H5Pget_nfilters(plist.get());
  for (int i = 0; i < filters; ++i) {
    unsigned flags = 0, config = 0;
    size_t values = 0;
    char name[64] = {0};
    const H5Z_filter_t id =
        H5Pget_filter2(plist.get(), static_cast<unsigned>(i), &flags, &values, nullptr,
                       sizeof(name), name, &config);
    if (id < 0) throw Error("cannot read the filters of " + where);
    if (H5Zfilter_avail(id) > 0) continue;
    throw Error(where + " is compressed with " + filter_name(id, name) + " (HDF5 filter " +
                std::to_string(id) +
                "), which this HDF5 library cannot decode: rewrite it with gzip or no "
                "compression, or make the filter's plugin available through HDF5_PLUGIN_PATH");
  }
}

}  // namespace gridnmf::io
