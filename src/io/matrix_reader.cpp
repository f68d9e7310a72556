#include "gridnmf/io/matrix_reader.hpp"

#include "gridnmf/io/file_survey.hpp"

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/dataset_filters.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::io {

MatrixShape inspect_matrix(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& dataset) {
  MatrixShape shape;
  comm::agree_on_failure(comm, [&] {
    const std::string where = path + ":/" + dataset;
    if (H5Lexists(file, dataset.c_str(), H5P_DEFAULT) <= 0) {
      const std::string held = list_matrices(file);
      throw Error("dataset '" + dataset + "' not found in '" + path + "'; " +
                  (held.empty() ? "it holds no 2-D numeric dataset or sparse group"
                                : "it holds " + held + "; use --dataset NAME"));
    }
    Hdf5Handle data(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                    "'" + where + "' is not a dataset");
    check_filters_available(data.get(), where);
    Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read the type of " + where);
    const H5T_class_t type_class = H5Tget_class(type.get());
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
      throw Error("dataset " + where + " is not numeric; gridnmf reads integer or floating data");
    }
    Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
    const int dims = H5Sget_simple_extent_ndims(space.get());
    if (dims != 2) {
      throw Error("dataset " + where + " has " + std::to_string(dims) +
                  " dimensions; gridnmf needs a 2-D matrix (rows = features, columns = samples)");
    }
    hsize_t extent[2] = {0, 0};
    H5Sget_simple_extent_dims(space.get(), extent, nullptr);
    if (extent[0] == 0 || extent[1] == 0) {
      throw Error("dataset " + where + " is empty (" + std::to_string(extent[0]) + " x " +
                  std::to_string(extent[1]) + ")");
    }
    shape.rows = static_cast<std::int64_t>(extent[0]);
    shape.cols = static_cast<std::int64_t>(extent[1]);
  });
  return shape;
}

template <typename T>
LocalMatrix<T> read_block(MPI_Comm comm, hid_t file, const std::string& path,
                          const std::string& dataset, const IndexRange& rows,
                          const IndexRange& cols) {
  LocalMatrix<T> block(rows.size, cols.size);
  comm::agree_on_failure(comm, [&] {
    const std::string where = path + ":/" + dataset;
    Hdf5Handle data(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                    "cannot open dataset " + where);
    check_filters_available(data.get(), where);
    Hdf5Handle file_space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
    const hsize_t start[2] = {static_cast<hsize_t>(rows.begin), static_cast<hsize_t>(cols.begin)};
    const hsize_t count[2] = {static_cast<hsize_t>(rows.size), static_cast<hsize_t>(cols.size)};
    check_hdf5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count,
                                   nullptr),
               "cannot select a block of " + where);
    Hdf5Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose,
                            "cannot describe the memory block for " + where);
    if (block.size() == 0) {
      H5Sselect_none(file_space.get());
      H5Sselect_none(memory_space.get());
    }
    Hdf5Handle transfer = collective_transfer();
    check_hdf5(H5Dread(data.get(), native_type<T>(), memory_space.get(), file_space.get(),
                       transfer.get(), block.data()),
               "cannot read " + where + " (truncated or corrupt file?)");
  });
  return block;
}

template LocalMatrix<double> read_block<double>(MPI_Comm, hid_t, const std::string&,
                                                const std::string&, const IndexRange&,
                                                const IndexRange&);
template LocalMatrix<float> read_block<float>(MPI_Comm, hid_t, const std::string&,
                                              const std::string&, const IndexRange&,
                                              const IndexRange&);

}  // namespace gridnmf::io
