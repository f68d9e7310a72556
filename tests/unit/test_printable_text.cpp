// Messages quote file contents through io::printable_excerpt: escaped, cut.
#include <gtest/gtest.h>

#include <string>

#include "gridnmf/io/printable_text.hpp"

namespace gridnmf::io {
namespace {

TEST(PrintableExcerpt, EscapesControlBytesAndInvalidUtf8) {
  const std::string junk("a\x1b[2J\x07\r\n\x7f\xff\xfe", 11);
  EXPECT_EQ(printable_excerpt(junk), "a\\x1B[2J\\x07\\x0D\\x0A\\x7F\\xFF\\xFE");
  EXPECT_EQ(printable_excerpt(std::string("x\0y", 3)), "x\\x00y");
  EXPECT_EQ(printable_excerpt("\xc3\x28"), "\\xC3(");  // a lead byte without its follower
}

TEST(PrintableExcerpt, KeepsUtf8AndCutsLongText) {
  EXPECT_EQ(printable_excerpt("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac"), "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac");
  EXPECT_EQ(printable_excerpt(std::string(100, 'Z'), 40), std::string(40, 'Z') + "...");
  EXPECT_EQ(printable_excerpt(std::string(40, 'Z'), 40), std::string(40, 'Z'));
  EXPECT_EQ(printable_excerpt("", 40), "");
}

}  // namespace
}  // namespace gridnmf::io
