// The pieces of sparse text conversion without MPI: number fields, the CSR
// builder against a dense sum, line reading across chunk boundaries (plain
// and gzip), name files and their discovery, and format detection.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gridnmf/error.hpp"
#include "gridnmf/io/csr_matrix.hpp"
#include "gridnmf/io/name_files.hpp"
#include "gridnmf/io/name_list.hpp"
#include "gridnmf/io/text_fields.hpp"
#include "gridnmf/io/text_input.hpp"
#include "gridnmf/io/text_matrix_format.hpp"

namespace gridnmf::io {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed at the end.
class SparseTextFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("gridnmf_sparse_unit_" + std::to_string(getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::string write(const std::string& name, const std::string& text, bool compress = false) {
    const std::string path = (folder_ / name).string();
    if (compress) {
      gzFile file = gzopen(path.c_str(), "wb");
      gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
      gzclose(file);
    } else {
      std::ofstream(path, std::ios::binary) << text;
    }
    return path;
  }

  fs::path folder_;
};

TEST(TextFields, IntegersAndReals) {
  EXPECT_EQ(parse_integer("42"), 42);
  EXPECT_EQ(parse_integer("+7"), 7);
  EXPECT_EQ(parse_integer("-3"), -3);
  EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_integer("9223372036854775808"));
  EXPECT_FALSE(parse_integer("1.0"));
  EXPECT_FALSE(parse_integer("12a"));
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_integer("+"));
  EXPECT_FALSE(parse_integer("+-1"));
  EXPECT_EQ(parse_real("2.5e-3"), 2.5e-3);
  EXPECT_EQ(parse_real("+1E+2"), 100.0);
  EXPECT_EQ(parse_real("0.1"), 0.1);  // correctly rounded
  EXPECT_TRUE(std::isinf(*parse_real("1e999")));
  EXPECT_EQ(parse_real("1e-999"), 0.0);
  EXPECT_TRUE(std::isnan(*parse_real("nan")));
  EXPECT_FALSE(parse_real("1.2.3"));
  EXPECT_FALSE(parse_real("0x10"));
  EXPECT_FALSE(parse_real("."));
}

TEST(TextFields, SplitAndExcerpt) {
  std::vector<std::string_view> fields;
  split_fields("  1\t 2   3.5 ", fields);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[2], "3.5");
  split_fields(" \t ", fields);
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(quoted_excerpt("a'b\\c\x01\xc3\xa9"), "'a\\'b\\\\c\\x01\\xc3\\xa9'");
  EXPECT_EQ(quoted_excerpt(std::string(50, 'x')), "'" + std::string(40, 'x') + "...'");
}

// The obvious oracle: a map from (row, column) to the sum of its values.
template <typename T>
std::map<std::pair<std::int64_t, std::int64_t>, T> summed(const SparseTriplets& triplets,
                                                          const std::vector<T>& values) {
  std::map<std::pair<std::int64_t, std::int64_t>, T> cells;
  for (std::size_t e = 0; e < triplets.row.size(); ++e) {
    cells[{triplets.row[e], triplets.col[e]}] += values[e];
  }
  return cells;
}

TEST(CsrBuilder, SumsDuplicatesDropsZerosAndSortsColumns) {
  std::mt19937_64 random(11);
  for (int trial = 0; trial < 20; ++trial) {
    SparseTriplets triplets;
    triplets.rows = 1 + static_cast<std::int64_t>(random() % 30);
    triplets.cols = 1 + static_cast<std::int64_t>(random() % 30);
    triplets.value_type = trial % 2 == 0 ? SparseValueType::kInteger : SparseValueType::kReal;
    const int entries = static_cast<int>(random() % 200);
    for (int e = 0; e < entries; ++e) {
      // Few distinct rows and columns: many duplicates and empty rows.
      triplets.row.push_back(static_cast<std::int64_t>(random() % triplets.rows) / 2 * 2);
      triplets.col.push_back(static_cast<std::int64_t>(random() % triplets.cols));
      const std::int64_t value = random() % 4 == 0 ? 0 : static_cast<std::int64_t>(random() % 9);
      triplets.integer_values.push_back(value);
      triplets.real_values.push_back(static_cast<double>(value) * 0.5);
    }
    const auto expected_integer = summed(triplets, triplets.integer_values);
    const auto expected_real = summed(triplets, triplets.real_values);
    if (triplets.value_type == SparseValueType::kInteger) {
      triplets.real_values.clear();
    } else {
      triplets.integer_values.clear();
    }
    const SparseValueType type = triplets.value_type;
    const std::int64_t rows = triplets.rows;
    const CsrMatrix csr = to_csr(std::move(triplets));
    ASSERT_EQ(csr.indptr.size(), static_cast<std::size_t>(rows) + 1);
    EXPECT_EQ(csr.indptr.front(), 0);
    EXPECT_EQ(csr.indptr.back(), csr.nonzeros());
    std::size_t expected_nonzeros = 0;
    for (const auto& [cell, value] : expected_integer) expected_nonzeros += value != 0;
    ASSERT_EQ(static_cast<std::size_t>(csr.nonzeros()), expected_nonzeros);
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t e = csr.indptr[r]; e < csr.indptr[r + 1]; ++e) {
        if (e > csr.indptr[r]) EXPECT_LT(csr.indices[e - 1], csr.indices[e]);
        const std::pair<std::int64_t, std::int64_t> cell{r, csr.indices[e]};
        if (type == SparseValueType::kInteger) {
          EXPECT_EQ(csr.integer_values[e], expected_integer.at(cell));
        } else {
          EXPECT_EQ(csr.real_values[e], expected_real.at(cell));
        }
      }
    }
  }
}

TEST(CsrBuilder, IntegerOverflowIsAnError) {
  SparseTriplets triplets;
  triplets.rows = triplets.cols = 2;
  triplets.value_type = SparseValueType::kInteger;
  triplets.row = {1, 1};
  triplets.col = {0, 0};
  triplets.integer_values = {INT64_MAX, 1};
  EXPECT_THROW(to_csr(std::move(triplets)), Error);
}

TEST_F(SparseTextFiles, LinesAcrossChunksPlainAndGzip) {
  // Lines of every length around the 1 MiB chunk size, CRLF and no final newline.
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) lines.push_back(std::string(1 + (i * 997) % 1500, 'a' + i % 26));
  for (std::size_t i = 0; i < lines.size(); ++i) text += lines[i] + (i % 2 ? "\r\n" : "\n");
  text += "last";
  lines.push_back("last");
  for (const bool compress : {false, true}) {
    TextInput input(write(compress ? "lines.gz" : "lines.txt", text, compress));
    EXPECT_EQ(input.gzipped(), compress);
    std::string_view line;
    std::size_t count = 0;
    while (input.next_line(line)) {
      ASSERT_LT(count, lines.size());
      EXPECT_EQ(line, lines[count]);
      ++count;
      EXPECT_EQ(input.line_number(), static_cast<std::int64_t>(count));
    }
    EXPECT_EQ(count, lines.size());
  }
}

TEST_F(SparseTextFiles, TruncatedGzipAndOverlongLinesFail) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + " 1 1\n";
  const std::string path = write("cut.gz", text, true);
  fs::resize_file(path, fs::file_size(path) / 2);
  TextInput input(path);
  std::string_view line;
  try {
    while (input.next_line(line)) {
    }
    FAIL() << "no error for a truncated gzip file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated or corrupt gzip"), std::string::npos);
  }
  TextInput binary(write("long.bin", std::string(TextInput::kMaxLineBytes + 10, 'x')));
  EXPECT_THROW(binary.next_line(line), Error);
}

TEST_F(SparseTextFiles, NameListsTakeTheSecondTsvColumn) {
  EXPECT_EQ(read_name_list(write("f.tsv.gz", "E1\tXkr4\tGene Expression\nE2\tRp1\tGene\n", true)),
            (std::vector<std::string>{"Xkr4", "Rp1"}));
  EXPECT_EQ(read_name_list(write("w.txt", "a b\r\nc\n\nd")),
            (std::vector<std::string>{"a b", "c", "", "d"}));
}

TEST_F(SparseTextFiles, CompanionNamesAreFound) {
  const std::string matrix = write("s_matrix.mtx.gz", "x", true);
  const std::string genes = write("s_genes.tsv", "g\n");
  const std::string barcodes = write("s_barcodes.tsv.gz", "b\n", true);
  NameFiles found = find_name_files(matrix, TextMatrixFormat::kMatrixMarket);
  EXPECT_EQ(found.rows, genes);
  EXPECT_EQ(found.cols, barcodes);
  const std::string features = write("s_features.tsv", "f\n");
  EXPECT_EQ(find_name_files(matrix, TextMatrixFormat::kMatrixMarket).rows, features);
  EXPECT_TRUE(
      find_name_files(write("other.mtx", "x"), TextMatrixFormat::kMatrixMarket).rows.empty());

  const std::string vocabulary = write("vocab.nips.txt", "w\n");
  EXPECT_EQ(
      find_name_files(write("docword.nips.txt.gz", "x", true), TextMatrixFormat::kBagOfWords).rows,
      vocabulary);
  const std::string prefixed = write("kos_vocab.kos.txt.gz", "w\n", true);
  found = find_name_files(write("kos_docword.kos.txt", "x"), TextMatrixFormat::kBagOfWords);
  EXPECT_EQ(found.rows, prefixed);
  EXPECT_TRUE(found.cols.empty());
}

TEST_F(SparseTextFiles, FormatFromContent) {
  const std::string banner = "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n";
  EXPECT_EQ(detect_text_matrix_format(write("a.data", banner)), TextMatrixFormat::kMatrixMarket);
  EXPECT_EQ(detect_text_matrix_format(write("a.bin", banner, true)),
            TextMatrixFormat::kMatrixMarket);
  EXPECT_EQ(detect_text_matrix_format(write("b.txt", "\n3\n4\n 5 \n1 1 1\n")),
            TextMatrixFormat::kBagOfWords);
  EXPECT_EQ(detect_text_matrix_format(write("c.gz", "3\n4\n5\n", true)),
            TextMatrixFormat::kBagOfWords);
  EXPECT_EQ(detect_text_matrix_format(write("bad.mtx", "3 3 1\n")),
            TextMatrixFormat::kMatrixMarket);
  EXPECT_EQ(detect_text_matrix_format(write("scene.hdr", "ENVI\nsamples = 1\n")),
            TextMatrixFormat::kNone);
  EXPECT_EQ(detect_text_matrix_format(write("raw.img", std::string("\0\1\2", 3))),
            TextMatrixFormat::kNone);
  EXPECT_EQ(detect_text_matrix_format((folder_ / "missing").string()), TextMatrixFormat::kNone);
  EXPECT_THROW(detect_text_matrix_format(write("t.csv", "1,2\n")), Error);
  EXPECT_THROW(detect_text_matrix_format(write("t.gz", "1,2\n", true)), Error);
}

}  // namespace
}  // namespace gridnmf::io
