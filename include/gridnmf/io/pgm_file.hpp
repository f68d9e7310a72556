#pragma once

#include <string>

#include "gridnmf/io/png_file.hpp"

namespace gridnmf::io {

// Reads a PGM file (binary P5 with maxval up to 65535, 8 or 16 bit big-endian
// samples, or plain-text P2) as greyscale. Throws Error naming the file and
// what is wrong (magic, header, truncated data), in one line. Local.
GreyImage read_pgm_grey(const std::string& path);

}  // namespace gridnmf::io
