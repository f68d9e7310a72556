// The ENVI header parser on a corpus of good and malformed headers: every
// error is one line naming the key, and good headers give the exact values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "envi_writer.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/envi_header.hpp"
#include "gridnmf/io/envi_reader.hpp"

namespace gridnmf::io {
namespace {

const std::string kMinimal = "ENVI\nsamples = 4\nlines = 3\nbands = 2\ndata type = 4\n";

struct BadHeader {
  std::string name;
  std::string text;
  std::string expected;  // substring of the one-line error
};

TEST(EnviHeader, MalformedHeadersNameTheKey) {
  const std::vector<BadHeader> corpus = {
      {"not envi", "ENVY\nsamples = 4\n", "first line must be 'ENVI'"},
      {"empty", "", "first line must be 'ENVI'"},
      {"no samples", "ENVI\nlines = 3\nbands = 2\ndata type = 4\n", "missing required key 'samples'"},
      {"no lines", "ENVI\nsamples = 3\nbands = 2\ndata type = 4\n", "missing required key 'lines'"},
      {"no bands", "ENVI\nsamples = 3\nlines = 2\ndata type = 4\n", "missing required key 'bands'"},
      {"no data type", "ENVI\nsamples = 3\nlines = 2\nbands = 1\n", "missing required key 'data type'"},
      {"text samples", "ENVI\nsamples = four\nlines = 3\nbands = 2\ndata type = 4\n",
       "'samples' is not an integer: 'four'"},
      {"fractional lines", "ENVI\nsamples = 4\nlines = 3.5\nbands = 2\ndata type = 4\n",
       "'lines' is not an integer: '3.5'"},
      {"zero bands", "ENVI\nsamples = 4\nlines = 3\nbands = 0\ndata type = 4\n",
       "'bands' must be positive, got 0"},
      {"negative samples", "ENVI\nsamples = -4\nlines = 3\nbands = 2\ndata type = 4\n",
       "'samples' must be positive"},
      {"data type 6", "ENVI\nsamples = 4\nlines = 3\nbands = 2\ndata type = 6\n",
       "unsupported 'data type' 6"},
      {"data type text", "ENVI\nsamples = 4\nlines = 3\nbands = 2\ndata type = float\n",
       "'data type' is not an integer"},
      {"interleave", kMinimal + "interleave = bis\n", "'interleave' must be bsq, bil or bip, got 'bis'"},
      {"byte order 2", kMinimal + "byte order = 2\n", "'byte order' must be 0 (little-endian) or 1"},
      {"byte order text", kMinimal + "byte order = big\n", "'byte order' is not an integer"},
      {"header offset", kMinimal + "header offset = -1\n", "'header offset' must be >= 0"},
      {"header offset text", kMinimal + "header offset = x\n", "'header offset' is not an integer"},
      {"unterminated", kMinimal + "wavelength = {1, 2\n", "'wavelength' has an unterminated '{'"},
      {"unterminated description", "ENVI\ndescription = {a scene\nsamples = 4\n",
       "'description' has an unterminated '{'"},
      {"wavelength count", kMinimal + "wavelength = {400, 500, 600}\n",
       "'wavelength' has 3 values but 'bands' is 2"},
      {"wavelength text", kMinimal + "wavelength = {400, blue}\n",
       "'wavelength' is not a number: 'blue'"},
      {"wavelength scalar", kMinimal + "wavelength = 400\n", "'wavelength' must be a list in braces"},
      {"band names count", kMinimal + "band names = {a}\n", "'band names' has 1 values but 'bands' is 2"},
      {"ignore value", kMinimal + "data ignore value = none\n",
       "'data ignore value' is not a number: 'none'"},
      {"file type", kMinimal + "file type = TIFF\n", "'file type' 'TIFF' is not supported"},
      {"no equals", kMinimal + "samples 4\n", "line 6 is not 'key = value'"},
      {"no key", kMinimal + " = 4\n", "line 6 has no key before '='"},
      {"duplicate", kMinimal + "Samples = 5\n", "key 'samples' appears twice"},
      {"too large", "ENVI\nsamples = 4000000000\nlines = 4000000000\nbands = 400\ndata type = 5\n",
       "too large"},
  };
  for (const BadHeader& bad : corpus) {
    try {
      parse_envi_header(bad.text, "scene.hdr");
      ADD_FAILURE() << bad.name << ": no error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(bad.expected), std::string::npos)
          << bad.name << ": got '" << message << "'";
      EXPECT_EQ(message.rfind("ENVI header 'scene.hdr': ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << bad.name << ": not one line";
    }
  }
}

TEST(EnviHeader, FullHeaderGivesEveryValue) {
  const std::string text =
      "ENVI\r\n"
      "description = {\r\n  Scene, with a comma; and = signs}\r\n"
      "; a comment line\r\n"
      "SAMPLES = 7\r\n"
      "lines=5\r\n"
      "bands   =   3\r\n"
      "header   offset = 128\r\n"
      "file type = ENVI Standard\r\n"
      "data type = 12\r\n"
      "interleave = BIP\r\n"
      "sensor type = Unknown\r\n"
      "byte order = 1\r\n"
      "map info = {UTM, 1, 1, 500000, 4000000, 30, 30, 11, North, WGS-84}\r\n"
      "wavelength units = Micrometers\r\n"
      "wavelength = {0.45,\r\n 0.55 ,\r\n 6.5e-1}\r\n"
      "data ignore value = -9999\r\n"
      "band names = { Band 1, Band 2,\r\n Band 3 }\r\n"
      "data file = scene_raw.bin\r\n";
  const EnviHeader header = parse_envi_header(text, "x.hdr");
  EXPECT_EQ(header.samples, 7);
  EXPECT_EQ(header.lines, 5);
  EXPECT_EQ(header.bands, 3);
  EXPECT_EQ(header.header_offset, 128);
  EXPECT_EQ(header.data_type, EnviDataType::kUint16);
  EXPECT_EQ(header.interleave, EnviInterleave::kBip);
  EXPECT_TRUE(header.big_endian);
  EXPECT_EQ(header.wavelengths, (std::vector<double>{0.45, 0.55, 0.65}));
  EXPECT_EQ(header.wavelength_units, "Micrometers");
  ASSERT_TRUE(header.data_ignore_value.has_value());
  EXPECT_EQ(*header.data_ignore_value, -9999.0);
  EXPECT_EQ(header.band_names, (std::vector<std::string>{"Band 1", "Band 2", "Band 3"}));
  EXPECT_EQ(header.data_file, "scene_raw.bin");
  EXPECT_EQ(header.required_file_bytes(), 128 + 7 * 5 * 3 * 2);
}

TEST(EnviHeader, DefaultsAndNanIgnoreValue) {
  const EnviHeader header = parse_envi_header(kMinimal + "data ignore value = NaN\n", "x.hdr");
  EXPECT_EQ(header.interleave, EnviInterleave::kBsq);
  EXPECT_FALSE(header.big_endian);
  EXPECT_EQ(header.header_offset, 0);
  EXPECT_TRUE(header.wavelengths.empty());
  ASSERT_TRUE(header.data_ignore_value.has_value());
  EXPECT_TRUE(std::isnan(*header.data_ignore_value));
}

class EnviFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("gridnmf_envi_unit_" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::string file(const std::string& name) const { return (folder_ / name).string(); }
  void touch(const std::string& name) const { std::ofstream(file(name)) << "x"; }

  std::filesystem::path folder_;
};

TEST_F(EnviFolder, RawFileBesideTheHeader) {
  EnviHeader header = parse_envi_header(kMinimal + "interleave = bil\n", "x.hdr");
  EXPECT_THROW(find_envi_data_file(file("scene.hdr"), header), Error);
  touch("scene.bil");
  EXPECT_EQ(find_envi_data_file(file("scene.hdr"), header), file("scene.bil"));
  touch("scene.dat");
  EXPECT_EQ(find_envi_data_file(file("scene.hdr"), header), file("scene.dat"));
  touch("scene");
  EXPECT_EQ(find_envi_data_file(file("scene.hdr"), header), file("scene"));
  touch("other.img");
  EXPECT_EQ(find_envi_data_file(file("other.img.hdr"), header), file("other.img"));
  header.data_file = "elsewhere.bin";
  try {
    find_envi_data_file(file("scene.hdr"), header);
    ADD_FAILURE() << "a missing 'data file' must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("elsewhere.bin"), std::string::npos);
  }
  touch("elsewhere.bin");
  EXPECT_EQ(find_envi_data_file(file("scene.hdr"), header), file("elsewhere.bin"));
}

// A block of pixels whose lines are far apart in the file is read without the
// bytes between them: exactly the needed bytes.
TEST_F(EnviFolder, ReaderReadsOnlyTheNeededBytes) {
  testing::EnviImage image;
  image.lines = 4;
  image.samples = 4000;  // one line of one band: 16000 bytes, far more than a page
  image.bands = 3;
  image.type = EnviDataType::kFloat32;
  image.interleave = EnviInterleave::kBsq;
  const std::string header_path = testing::write_envi_image(file("wide"), image);
  std::ifstream stream(header_path);
  const std::string text((std::istreambuf_iterator<char>(stream)), {});
  EnviReader reader(file("wide.img"), parse_envi_header(text, header_path));
  // Pixels of samples 1000..1999 (all 4 lines), bands 1..2.
  const IndexRange bands{1, 2};
  const IndexRange pixels{1000 * 4, 1000 * 4};
  const LocalMatrix<double> block = reader.read_block<double>(bands, pixels);
  EXPECT_EQ(reader.bytes_read(), 2 * 4 * 1000 * 4);
  for (std::int64_t r = 0; r < bands.size; ++r)
    for (std::int64_t c = 0; c < pixels.size; ++c) {
      const std::int64_t j = pixels.begin + c;
      ASSERT_EQ(block(r, c), image.value(bands.begin + r, j % 4, j / 4));
    }
}

TEST_F(EnviFolder, ReaderRejectsShortRawFile) {
  testing::EnviImage image;
  image.header_offset = 10;
  const std::string header_path = testing::write_envi_image(file("short"), image);
  std::filesystem::resize_file(file("short.img"), image.required_bytes() - 1);
  std::ifstream stream(header_path);
  const std::string text((std::istreambuf_iterator<char>(stream)), {});
  try {
    EnviReader reader(file("short.img"), parse_envi_header(text, header_path));
    ADD_FAILURE() << "a short raw file must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bytes but the header needs " +
                                         std::to_string(image.required_bytes())),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gridnmf::io
