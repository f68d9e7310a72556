#include "gridnmf/io/sparse_layout.hpp"

#include <string>
#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/dataset_filters.hpp"
#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

namespace {

H5O_type_t object_type(hid_t file, const std::string& name) {
  if (name.empty() || H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) return H5O_TYPE_UNKNOWN;
  H5O_info_t info;
  if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

bool is_sparse_group(hid_t file, const std::string& group) {
  if (object_type(file, group) != H5O_TYPE_GROUP) return false;
  for (const char* part : {"data", "indices", "indptr"}) {
    if (object_type(file, group + "/" + part) != H5O_TYPE_DATASET) return false;
  }
  return true;
}

// The root groups holding data/indices/indptr (10x Genomics v2 names them
// after the genome: one per genome).
std::vector<std::string> sparse_root_groups(hid_t file) {
  std::vector<std::string> found;
  H5G_info_t info;
  if (H5Gget_info(file, &info) < 0) return found;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256] = {};
    if (H5Lget_name_by_idx(file, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name),
                           H5P_DEFAULT) < 0) {
      continue;
    }
    if (is_sparse_group(file, name)) found.emplace_back(name);
  }
  return found;
}

struct Vector1d {
  std::int64_t length = -1;
  std::string type;
};

Vector1d describe_vector(hid_t file, const std::string& name, const std::string& where) {
  Hdf5Handle data(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + where);
  check_filters_available(data.get(), where);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
  Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read the type of " + where);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) {
    throw Error(where + " must be 1-D");
  }
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    throw Error(where + " must hold numbers");
  }
  hsize_t length = 0;
  H5Sget_simple_extent_dims(space.get(), &length, nullptr);
  const std::size_t bytes = H5Tget_size(type.get());
  std::string type_name =
      type_class == H5T_FLOAT ? (bytes == 4 ? "float32" : "float64")
                              : std::string(H5Tget_sign(type.get()) == H5T_SGN_2 ? "int" : "uint") +
                                    std::to_string(8 * bytes);
  return {static_cast<std::int64_t>(length), type_name};
}

// The stored shape: a `shape` attribute (scipy, gridnmf, AnnData), an
// `h5sparse_shape` attribute (h5sparse, AnnData before 0.7) or a `shape`
// dataset (10x).
bool read_shape(hid_t file, const std::string& group, std::int64_t shape[2]) {
  Hdf5Handle group_handle(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose,
                          "cannot open group " + group);
  for (const char* name : {"shape", "h5sparse_shape"}) {
    if (H5Aexists(group_handle.get(), name) <= 0) continue;
    Hdf5Handle attribute(H5Aopen(group_handle.get(), name, H5P_DEFAULT), H5Aclose,
                         "cannot open the shape of " + group);
    Hdf5Handle space(H5Aget_space(attribute.get()), H5Sclose, "cannot read a shape");
    if (H5Sget_simple_extent_npoints(space.get()) != 2) return false;
    return H5Aread(attribute.get(), H5T_NATIVE_INT64, shape) >= 0;
  }
  if (object_type(file, group + "/shape") != H5O_TYPE_DATASET) return false;
  Hdf5Handle data(H5Dopen2(file, (group + "/shape").c_str(), H5P_DEFAULT), H5Dclose,
                  "cannot open the shape of " + group);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read a shape");
  if (H5Sget_simple_extent_npoints(space.get()) != 2) return false;
  return H5Dread(data.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, shape) >= 0;
}

std::string text_attribute(hid_t file, const std::string& group, const char* name) {
  Hdf5Handle group_handle(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose,
                          "cannot open group " + group);
  if (H5Aexists(group_handle.get(), name) <= 0) return "";
  try {
    return read_string_attribute(group_handle.get(), name);
  } catch (const Error&) {
    return "";  // not a string: treated as absent
  }
}

// AnnData's index of obs or var: the dataset its `_index` attribute names.
std::string anndata_index(hid_t file, const std::string& frame) {
  if (object_type(file, frame) != H5O_TYPE_GROUP) return "";
  const std::string column = text_attribute(file, frame, "_index");
  const std::string path = frame + "/" + (column.empty() ? "_index" : column);
  return object_type(file, path) == H5O_TYPE_DATASET ? path : "";
}

std::string existing_dataset(hid_t file, const std::string& path) {
  return object_type(file, path) == H5O_TYPE_DATASET ? path : "";
}

}  // namespace

std::optional<SparseLayout> find_sparse_layout(hid_t file, const std::string& path,
                                               const std::string& name) {
  std::string group = name;
  if (object_type(file, name) == H5O_TYPE_DATASET) return std::nullopt;
  if (object_type(file, name) == H5O_TYPE_UNKNOWN) {
    if (name != "V") return std::nullopt;  // inspect_matrix names the missing dataset
    if (is_sparse_group(file, "matrix")) {
      group = "matrix";
    } else if (is_sparse_group(file, "X")) {
      group = "X";
    } else {
      const std::vector<std::string> groups = sparse_root_groups(file);
      if (groups.empty()) return std::nullopt;
      if (groups.size() > 1) {
        std::string names;
        for (const std::string& candidate : groups) names += (names.empty() ? "" : ", ") + candidate;
        throw UsageError(path + " has no V but holds " + std::to_string(groups.size()) +
                         " sparse matrices (" + names + "): choose one with --dataset");
      }
      group = groups.front();
    }
  }
  const std::string where = path + ":/" + group;
  for (const char* part : {"data", "indices", "indptr"}) {
    if (object_type(file, group + "/" + part) != H5O_TYPE_DATASET) {
      throw Error(where + " is a group without a '" + part +
                  "' dataset; a sparse matrix needs data, indices, indptr and shape");
    }
  }
  SparseLayout layout;
  layout.group = group;
  std::int64_t shape[2] = {0, 0};
  if (!read_shape(file, group, shape)) {
    throw Error(where + " has no 'shape' (an attribute or dataset of 2 integers)");
  }
  layout.rows = shape[0];
  layout.cols = shape[1];
  if (layout.rows < 1 || layout.cols < 1) {
    throw Error(where + " is empty (shape " + std::to_string(shape[0]) + " x " +
                std::to_string(shape[1]) + "): there is nothing to factorize");
  }
  const Vector1d data = describe_vector(file, group + "/data", where + "/data");
  const Vector1d indices = describe_vector(file, group + "/indices", where + "/indices");
  const Vector1d indptr = describe_vector(file, group + "/indptr", where + "/indptr");
  if (indices.type.rfind("float", 0) == 0 || indptr.type.rfind("float", 0) == 0) {
    throw Error(where + "/indices and indptr must hold integers");
  }
  if (data.length != indices.length) {
    throw Error(where + " has " + std::to_string(data.length) + " values but " +
                std::to_string(indices.length) + " indices");
  }
  layout.nonzeros = data.length;
  layout.value_type = data.type;

  // The first of the attributes the writers use (they agree when several are set).
  std::string format;
  for (const char* attribute : {"format", "h5sparse_format", "encoding-type"}) {
    if (format.empty()) format = text_attribute(file, group, attribute);
  }
  const bool anndata = format.rfind("csr_matrix", 0) == 0 || format.rfind("csc_matrix", 0) == 0 ||
                       (group == "X" && !anndata_index(file, "obs").empty());
  const bool tenx = format.empty() && (existing_dataset(file, group + "/barcodes") != "");
  if (format == "csr" || format == "csr_matrix") {
    layout.row_major = true;
  } else if (format == "csc" || format == "csc_matrix" || tenx) {
    layout.row_major = false;
  } else if (!format.empty()) {
    throw Error(where + " has format '" + format + "'; gridnmf reads csr and csc");
  } else if (layout.rows != layout.cols && indptr.length == layout.rows + 1) {
    layout.row_major = true;
  } else if (layout.rows != layout.cols && indptr.length == layout.cols + 1) {
    layout.row_major = false;
  } else {
    throw Error(where + " does not say whether it is CSR or CSC: add a 'format' attribute "
                "(\"csr\" or \"csc\")");
  }
  if (indptr.length != layout.major_count() + 1) {
    throw Error(where + "/indptr has " + std::to_string(indptr.length) + " entries; a " +
                std::to_string(layout.rows) + " x " + std::to_string(layout.cols) + " " +
                (layout.row_major ? "CSR" : "CSC") + " matrix needs " +
                std::to_string(layout.major_count() + 1));
  }
  if (layout.nonzeros == 0) {
    throw Error(where + " has no nonzero entries: there is nothing to factorize");
  }

  if (tenx) {
    layout.flavour = "10x Genomics CSC";
    layout.row_names = existing_dataset(file, group + "/features/name");
    if (layout.row_names.empty()) layout.row_names = existing_dataset(file, group + "/gene_names");
    if (layout.row_names.empty()) layout.row_names = existing_dataset(file, group + "/genes");
    layout.col_names = existing_dataset(file, group + "/barcodes");
  } else if (anndata) {
    layout.flavour = std::string("AnnData ") + (layout.row_major ? "CSR" : "CSC");
    layout.samples_by_features = true;
    layout.row_names = anndata_index(file, "obs");
    layout.col_names = anndata_index(file, "var");
  } else {
    layout.flavour = layout.row_major ? "CSR" : "CSC";
    layout.row_names = existing_dataset(file, "row_names");
    layout.col_names = existing_dataset(file, "col_names");
  }
  return layout;
}

}  // namespace gridnmf::io
