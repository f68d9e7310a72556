// ENVI input through MatrixSource on every grid of the current rank count:
// each rank's block equals the serial expectation for every data type,
// interleave and byte order; data ignore values, header offsets and metadata
// arrive on every rank; bad headers fail identically everywhere.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "distributed_helpers.hpp"
#include "envi_writer.hpp"
#include "run_folder.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/matrix_source.hpp"

namespace gridnmf::testing {
namespace {

namespace fs = std::filesystem;

std::string write_on_root(const std::string& base, const EnviImage& image) {
  if (RunFolder::rank() == 0) write_envi_image(base, image);
  MPI_Barrier(MPI_COMM_WORLD);
  return base + ".hdr";
}

// Reads the block of every rank on every grid and compares it with
// image.value (line = j % lines, sample = j / lines).
template <typename T>
void expect_blocks_match(const std::string& header, const EnviImage& image,
                         const std::string& label) {
  for (const GridShape shape : all_grid_shapes(world_size())) {
    if (shape.rows > image.bands || shape.cols > image.lines * image.samples) continue;
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    io::MatrixSource source = io::MatrixSource::open(grid.all(), header, "V");
    ASSERT_EQ(source.format(), "envi");
    ASSERT_EQ(source.shape().rows, image.bands);
    ASSERT_EQ(source.shape().cols, image.lines * image.samples);
    const Distribution dist(image.bands, image.lines * image.samples, shape.rows, shape.cols);
    const IndexRange rows = dist.block_rows(grid.row());
    const IndexRange cols = dist.block_cols(grid.col());
    const LocalMatrix<T> block = source.read_block<T>(rows, cols);
    int mismatches = 0;
    for (std::int64_t r = 0; r < rows.size; ++r) {
      for (std::int64_t c = 0; c < cols.size; ++c) {
        const std::int64_t j = cols.begin + c;
        const T expected =
            static_cast<T>(image.value(rows.begin + r, j % image.lines, j / image.lines));
        if (block(r, c) != expected) ++mismatches;
      }
    }
    EXPECT_EQ(mismatches, 0) << label << " grid " << shape.to_string();
  }
}

TEST(EnviSource, EveryTypeInterleaveAndByteOrderOnEveryGrid) {
  const RunFolder folder("gridnmf_envi_mpi");
  const std::vector<io::EnviDataType> types = {
      io::EnviDataType::kUint8,   io::EnviDataType::kInt16,   io::EnviDataType::kInt32,
      io::EnviDataType::kFloat32, io::EnviDataType::kFloat64, io::EnviDataType::kUint16};
  int index = 0;
  for (const io::EnviDataType type : types) {
    for (const io::EnviInterleave interleave :
         {io::EnviInterleave::kBsq, io::EnviInterleave::kBil, io::EnviInterleave::kBip}) {
      for (const bool big_endian : {false, true}) {
        EnviImage image;
        image.type = type;
        image.interleave = interleave;
        image.big_endian = big_endian;
        image.header_offset = (index % 3) * 17;  // also checks 'header offset'
        const std::string label =
            io::to_string(type) + " " + io::to_string(interleave) + (big_endian ? " be" : " le");
        const std::string header =
            write_on_root(folder.file("image" + std::to_string(index++)), image);
        expect_blocks_match<double>(header, image, label);
        expect_blocks_match<float>(header, image, label);
      }
    }
  }
}

TEST(EnviSource, MetadataAndIgnoredValuesAreReplicated) {
  const RunFolder folder("gridnmf_envi_mpi");
  EnviImage image;
  image.lines = 4;
  image.samples = 3;
  image.bands = 3;
  image.type = io::EnviDataType::kUint8;
  image.interleave = io::EnviInterleave::kBip;
  image.extra_header =
      "wavelength units = Nanometers\nwavelength = {\n 450.5, 550,\n 650.25 }\n"
      "band names = {blue, green, red}\ndata ignore value = 10\n";
  const std::string header = write_on_root(folder.file("meta"), image);
  std::int64_t expected_ignored = 0;
  for (std::int64_t b = 0; b < image.bands; ++b)
    for (std::int64_t l = 0; l < image.lines; ++l)
      for (std::int64_t s = 0; s < image.samples; ++s) expected_ignored += image.value(b, l, s) == 10;
  ASSERT_GT(expected_ignored, 0);

  const ProcessGrid grid(MPI_COMM_WORLD, choose_grid_shape(3, 12, world_size()));
  io::MatrixSource source = io::MatrixSource::open(grid.all(), header, "V");
  const io::SourceMetadata& meta = source.metadata();
  EXPECT_EQ(meta.wavelengths, (std::vector<double>{450.5, 550.0, 650.25}));
  EXPECT_EQ(meta.wavelength_units, "Nanometers");
  EXPECT_EQ(meta.band_names, (std::vector<std::string>{"blue", "green", "red"}));
  EXPECT_EQ(meta.image_rows, 4);
  EXPECT_EQ(meta.image_cols, 3);
  EXPECT_EQ(source.stored_type(), "uint8");

  const Distribution dist(3, 12, grid.shape().rows, grid.shape().cols);
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const LocalMatrix<double> block = source.read_block<double>(rows, cols);
  EXPECT_EQ(source.ignored_values(), expected_ignored);  // summed over ranks
  for (std::int64_t r = 0; r < rows.size; ++r) {
    for (std::int64_t c = 0; c < cols.size; ++c) {
      const std::int64_t j = cols.begin + c;
      const double raw = image.value(rows.begin + r, j % 4, j / 4);
      EXPECT_EQ(block(r, c), raw == 10 ? 0.0 : raw);
    }
  }
}

// Every rank must throw, with the same message, mentioning `substring`.
void expect_same_error_everywhere(const std::string& path, const std::string& substring) {
  std::string message;
  try {
    io::MatrixSource::open(MPI_COMM_WORLD, path, "V");
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find(substring), std::string::npos) << "got: '" << message << "'";
  int length = static_cast<int>(message.size());
  int min_length = length;
  MPI_Allreduce(MPI_IN_PLACE, &min_length, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  EXPECT_EQ(length, min_length) << "ranks disagree on the error";
}

TEST(EnviSource, BadInputFailsIdenticallyOnEveryRank) {
  const RunFolder folder("gridnmf_envi_mpi");
  EnviImage image;
  const std::string good = write_on_root(folder.file("short"), image);
  if (RunFolder::rank() == 0) fs::resize_file(folder.file("short.img"), 100);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_same_error_everywhere(good, "bytes but the header needs");

  image.extra_header = "data type = 9\n";
  const std::string twice = write_on_root(folder.file("twice"), image);
  expect_same_error_everywhere(twice, "'data type' appears twice");

  if (RunFolder::rank() == 0) {
    std::ofstream(folder.file("lonely.hdr")) << "ENVI\nsamples = 2\nlines = 2\nbands = 1\n"
                                              << "data type = 4\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_same_error_everywhere(folder.file("lonely.hdr"), "no raw data file");
  expect_same_error_everywhere(folder.file("missing.hdr"), "cannot read ENVI header");
}

TEST(EnviSource, RawFileNamedDirectlyFindsItsHeader) {
  const RunFolder folder("gridnmf_envi_mpi");
  EnviImage image;
  image.type = io::EnviDataType::kInt16;
  write_on_root(folder.file("direct"), image);
  io::MatrixSource source = io::MatrixSource::open(MPI_COMM_WORLD, folder.file("direct.img"), "V");
  EXPECT_EQ(source.format(), "envi");
  EXPECT_EQ(source.shape().rows, image.bands);
}

}  // namespace
}  // namespace gridnmf::testing
