#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gridnmf::io {

// The ENVI data types gridnmf reads (the header's 'data type' codes).
enum class EnviDataType : int {
  kUint8 = 1,
  kInt16 = 2,
  kInt32 = 3,
  kFloat32 = 4,
  kFloat64 = 5,
  kUint16 = 12,
};

// How bands, lines and samples are ordered in the raw file.
enum class EnviInterleave { kBsq, kBil, kBip };

std::string to_string(EnviDataType type);      // "uint8", "int16", ...
std::string to_string(EnviInterleave interleave);  // "bsq", "bil", "bip"
std::int64_t bytes_per_value(EnviDataType type);

// What gridnmf uses from an ENVI header (.hdr). Keys it does not use (map
// info, description, ...) are accepted and ignored.
struct EnviHeader {
  std::int64_t samples = 0;  // image columns
  std::int64_t lines = 0;    // image rows
  std::int64_t bands = 0;
  std::int64_t header_offset = 0;  // bytes to skip at the start of the raw file
  EnviDataType data_type = EnviDataType::kFloat32;
  EnviInterleave interleave = EnviInterleave::kBsq;
  bool big_endian = false;            // 'byte order' 1
  std::vector<double> wavelengths;    // empty, or one per band
  std::string wavelength_units;       // empty when absent
  std::optional<double> data_ignore_value;
  std::vector<std::string> band_names;  // empty, or one per band
  std::string data_file;  // the 'data file' key, empty when absent

  // header_offset + samples * lines * bands * bytes per value.
  std::int64_t required_file_bytes() const;
};

// Parses the text of an ENVI header. Rules: the first line is "ENVI"; then
// "key = value" lines, keys case-insensitive; "{...}" values may span lines;
// lines starting with ';' are comments. Required: samples, lines, bands,
// data type. Defaults: interleave bsq, byte order 0, header offset 0.
// Throws Error with one line that names `where` and the offending key.
// Pure: the same text gives the same result or error on every rank.
EnviHeader parse_envi_header(const std::string& text, const std::string& where);

// The raw file that goes with the header at `header_path`: the 'data file'
// key (relative to the header's folder) when given, else the first existing
// of BASE, BASE.img, BASE.raw, BASE.dat, BASE.<interleave> where BASE is the
// header path without ".hdr". Throws Error listing what was tried.
std::string find_envi_data_file(const std::string& header_path, const EnviHeader& header);

}  // namespace gridnmf::io
