#include "gridnmf/io/factor_io.hpp"

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/matrix_reader.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::io {

template <typename T>
Hdf5Handle create_matrix_dataset(hid_t location, const std::string& name, std::int64_t rows,
                                 std::int64_t cols) {
  const hsize_t extent[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  Hdf5Handle space(H5Screate_simple(2, extent, nullptr), H5Sclose,
                   "cannot describe dataset " + name);
  return Hdf5Handle(H5Dcreate2(location, name.c_str(), native_type<T>(), space.get(),
                               H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    H5Dclose, "cannot create dataset " + name);
}

template <typename T>
void write_block(hid_t dataset, const IndexRange& rows, const IndexRange& cols,
                 const LocalMatrix<T>& block) {
  Hdf5Handle file_space(H5Dget_space(dataset), H5Sclose, "cannot read a dataset's shape");
  const hsize_t start[2] = {static_cast<hsize_t>(rows.begin), static_cast<hsize_t>(cols.begin)};
  const hsize_t count[2] = {static_cast<hsize_t>(rows.size), static_cast<hsize_t>(cols.size)};
  Hdf5Handle memory_space(H5Screate_simple(2, count, nullptr), H5Sclose,
                          "cannot describe a memory block");
  if (block.size() == 0) {
    H5Sselect_none(file_space.get());
    H5Sselect_none(memory_space.get());
  } else {
    check_hdf5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count,
                                   nullptr),
               "cannot select a block to write");
  }
  Hdf5Handle transfer = collective_transfer();
  check_hdf5(H5Dwrite(dataset, native_type<T>(), memory_space.get(), file_space.get(),
                      transfer.get(), block.data()),
             "cannot write a block of a result dataset");
}

template <typename T>
void write_w_rows(hid_t dataset, const IndexRange& rows, const LocalMatrix<T>& w_own) {
  write_block(dataset, rows, IndexRange{0, w_own.cols}, w_own);
}

template <typename T>
void write_h_cols(hid_t dataset, const IndexRange& cols, const LocalMatrix<T>& ht_own) {
  write_block(dataset, IndexRange{0, ht_own.cols}, cols, transposed(ht_own));
}

namespace {

void check_factor_shape(MPI_Comm comm, hid_t file, const std::string& path,
                        const std::string& name, std::int64_t rows, std::int64_t cols) {
  const MatrixShape shape = inspect_matrix(comm, file, path, name);
  if (shape.rows != rows || shape.cols != cols) {
    throw Error(path + ":/" + name + " is " + std::to_string(shape.rows) + " x " +
                std::to_string(shape.cols) + " but this problem needs " + std::to_string(rows) +
                " x " + std::to_string(cols));
  }
}

}  // namespace

template <typename T>
LocalMatrix<T> read_w_rows(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& name, std::int64_t m, std::int64_t k,
                           const IndexRange& rows) {
  check_factor_shape(comm, file, path, name, m, k);
  return read_block<T>(comm, file, path, name, rows, IndexRange{0, k});
}

template <typename T>
LocalMatrix<T> read_h_cols(MPI_Comm comm, hid_t file, const std::string& path,
                           const std::string& name, std::int64_t k, std::int64_t n,
                           const IndexRange& cols) {
  check_factor_shape(comm, file, path, name, k, n);
  return transposed(read_block<T>(comm, file, path, name, IndexRange{0, k}, cols));
}

#define GRIDNMF_INSTANTIATE_FACTOR_IO(T)                                                      \
  template Hdf5Handle create_matrix_dataset<T>(hid_t, const std::string&, std::int64_t,      \
                                               std::int64_t);                                \
  template void write_block<T>(hid_t, const IndexRange&, const IndexRange&,                  \
                               const LocalMatrix<T>&);                                       \
  template void write_w_rows<T>(hid_t, const IndexRange&, const LocalMatrix<T>&);            \
  template void write_h_cols<T>(hid_t, const IndexRange&, const LocalMatrix<T>&);            \
  template LocalMatrix<T> read_w_rows<T>(MPI_Comm, hid_t, const std::string&,                \
                                         const std::string&, std::int64_t, std::int64_t,     \
                                         const IndexRange&);                                 \
  template LocalMatrix<T> read_h_cols<T>(MPI_Comm, hid_t, const std::string&,                \
                                         const std::string&, std::int64_t, std::int64_t,     \
                                         const IndexRange&);
GRIDNMF_INSTANTIATE_FACTOR_IO(double)
GRIDNMF_INSTANTIATE_FACTOR_IO(float)
#undef GRIDNMF_INSTANTIATE_FACTOR_IO

}  // namespace gridnmf::io
