// Each rank reads exactly its block of V, for every stored type and layout,
// and bad values are reported identically on every rank.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "distributed_helpers.hpp"
#include "run_folder.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_reader.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf::testing {
namespace {

constexpr std::int64_t kRows = 19;
constexpr std::int64_t kCols = 13;

double value_at(std::int64_t r, std::int64_t c) { return static_cast<double>((r * 7 + c * 3) % 50); }

// Rank 0 writes a kRows x kCols dataset of `file_type` with the serial driver.
void write_test_file(const std::string& path, hid_t file_type, bool chunked_gzip) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    std::vector<double> values(kRows * kCols);
    for (std::int64_t r = 0; r < kRows; ++r)
      for (std::int64_t c = 0; c < kCols; ++c) values[r * kCols + c] = value_at(r, c);
    const hsize_t dims[2] = {kRows, kCols};
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunked_gzip) {
      const hsize_t chunk[2] = {4, 5};
      H5Pset_chunk(dcpl, 2, chunk);
      H5Pset_deflate(dcpl, 6);
    }
    hid_t data = H5Dcreate2(file, "V", file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dwrite(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(data);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}


TEST(BlockReader, ReadsOwnBlockOfEveryTypeAndLayout) {
  const std::vector<std::pair<hid_t, std::string>> types = {
      {H5T_STD_U8LE, "uint8"},     {H5T_STD_I16LE, "int16"}, {H5T_STD_U16BE, "uint16be"},
      {H5T_STD_I32LE, "int32"},    {H5T_STD_I64LE, "int64"}, {H5T_IEEE_F32LE, "float32"},
      {H5T_IEEE_F64BE, "float64be"}};
  const RunFolder folder("gridnmf_reader");
  for (const auto& [type, name] : types) {
    for (const bool chunked : {false, true}) {
      const std::string path = folder.file(name + (chunked ? "_chunked.h5" : "_contiguous.h5"));
      write_test_file(path, type, chunked);
      for (const GridShape shape : all_grid_shapes(world_size())) {
        SCOPED_TRACE(name + (chunked ? " chunked+gzip " : " contiguous ") + shape.to_string());
        const ProcessGrid grid(MPI_COMM_WORLD, shape);
        const Distribution dist(kRows, kCols, shape.rows, shape.cols);
        io::Hdf5Handle file = io::open_parallel_file(grid.all(), path);
        const io::MatrixShape found = io::inspect_matrix(grid.all(), file.get(), path, "V");
        EXPECT_EQ(found.rows, kRows);
        EXPECT_EQ(found.cols, kCols);
        const IndexRange rows = dist.block_rows(grid.row());
        const IndexRange cols = dist.block_cols(grid.col());
        const auto block = io::read_block<double>(grid.all(), file.get(), path, "V", rows, cols);
        EXPECT_EQ(block.rows, rows.size);
        EXPECT_EQ(block.cols, cols.size);
        for (std::int64_t r = 0; r < std::min(rows.size, block.rows); ++r)
          for (std::int64_t c = 0; c < std::min(cols.size, block.cols); ++c)
            EXPECT_EQ(block(r, c), value_at(rows.begin + r, cols.begin + c));
        const auto single = io::read_block<float>(grid.all(), file.get(), path, "V", rows, cols);
        EXPECT_EQ(single(0, 0), static_cast<float>(value_at(rows.begin, cols.begin)));
      }
    }
  }
}

// The shared hyperspectral scenes (float64 contiguous, uint16 chunked+gzip,
// float32 contiguous): each rank's block equals the same part of a whole
// serial read. Skipped where ../shared/data is absent (a user's clone).
TEST(BlockReader, ReadsTheSharedScenes) {
  const std::filesystem::path data_dir = GRIDNMF_SHARED_DATA_DIR;
  if (!std::filesystem::is_directory(data_dir)) {
    GTEST_SKIP() << "no shared data at " << data_dir;
  }
  for (const char* scene : {"samson.h5", "jasper_ridge.h5", "misic_sim1.h5"}) {
    const std::string path = (data_dir / scene).string();
    if (!std::filesystem::exists(path)) continue;
    // The whole matrix through the serial driver, as the oracle.
    hid_t serial = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t data = H5Dopen2(serial, "V", H5P_DEFAULT);
    hid_t space = H5Dget_space(data);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    std::vector<double> whole(dims[0] * dims[1]);
    H5Dread(data, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, whole.data());
    H5Sclose(space);
    H5Dclose(data);
    H5Fclose(serial);
    const auto m = static_cast<std::int64_t>(dims[0]), n = static_cast<std::int64_t>(dims[1]);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE(std::string(scene) + " on " + shape.to_string());
      const ProcessGrid grid(MPI_COMM_WORLD, shape);
      const Distribution dist(m, n, shape.rows, shape.cols);
      io::Hdf5Handle file = io::open_parallel_file(grid.all(), path);
      const IndexRange rows = dist.block_rows(grid.row());
      const IndexRange cols = dist.block_cols(grid.col());
      const auto block = io::read_block<double>(grid.all(), file.get(), path, "V", rows, cols);
      std::int64_t mismatches = 0;
      for (std::int64_t r = 0; r < block.rows; ++r)
        for (std::int64_t c = 0; c < block.cols; ++c)
          mismatches += block(r, c) != whole[(rows.begin + r) * n + cols.begin + c];
      EXPECT_EQ(mismatches, 0);
      EXPECT_EQ(block.size(), rows.size * cols.size);
    }
  }
}

// The message every rank gets when `work` throws, or "" if it does not.
template <typename Work>
std::string error_of(Work work) {
  try {
    work();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(BlockReader, RejectsMissingFileAndDatasetOnEveryRank) {
  const RunFolder folder("gridnmf_reader");
  const std::string path = folder.file("shape.h5");
  write_test_file(path, H5T_IEEE_F64LE, false);
  const std::string missing = error_of([&] { io::open_parallel_file(MPI_COMM_WORLD, path + ".nope"); });
  EXPECT_NE(missing.find("does not exist"), std::string::npos) << missing;
  io::Hdf5Handle file = io::open_parallel_file(MPI_COMM_WORLD, path);
  const std::string no_dataset =
      error_of([&] { io::inspect_matrix(MPI_COMM_WORLD, file.get(), path, "X"); });
  EXPECT_NE(no_dataset.find("dataset 'X' not found"), std::string::npos) << no_dataset;
  file.close("close");
}

TEST(InputCheck, CountsNegativeAndNonFiniteEntriesOverAllRanks) {
  const std::int64_t m = 9, n = 7;
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(m, n, shape.rows, shape.cols);
    const IndexRange rows = dist.block_rows(grid.row());
    const IndexRange cols = dist.block_cols(grid.col());
    LocalMatrix<double> block(rows.size, cols.size);
    // Negative entries at (8, 6) and (3, 2); NaN nowhere.
    for (std::int64_t r = 0; r < rows.size; ++r)
      for (std::int64_t c = 0; c < cols.size; ++c) {
        const std::int64_t gr = rows.begin + r, gc = cols.begin + c;
        block(r, c) = ((gr == 8 && gc == 6) || (gr == 3 && gc == 2)) ? -1.0 : 1.0;
      }
    const std::string message = error_of(
        [&] { io::check_nonnegative_finite(grid.all(), block, rows, cols, "f.h5:/V"); });
    EXPECT_EQ(message,
              "f.h5:/V has 2 negative entries (first at row 3, column 2); NMF needs "
              "non-negative data");
    if (rows.contains(5) && cols.contains(1)) block(5 - rows.begin, 1 - cols.begin) = NAN;
    const std::string nan_message = error_of(
        [&] { io::check_nonnegative_finite(grid.all(), block, rows, cols, "f.h5:/V"); });
    EXPECT_EQ(nan_message,
              "f.h5:/V has 1 NaN or infinite entries (first at row 5, column 1); NMF needs "
              "finite data");
  }
}

}  // namespace
}  // namespace gridnmf::testing
