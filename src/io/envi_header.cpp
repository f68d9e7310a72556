#include "gridnmf/io/envi_header.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

#include "gridnmf/error.hpp"
#include "gridnmf/io/printable_text.hpp"

namespace gridnmf::io {

std::string to_string(EnviDataType type) {
  switch (type) {
    case EnviDataType::kUint8: return "uint8";
    case EnviDataType::kInt16: return "int16";
    case EnviDataType::kInt32: return "int32";
    case EnviDataType::kFloat32: return "float32";
    case EnviDataType::kFloat64: return "float64";
    case EnviDataType::kUint16: return "uint16";
  }
  return "unknown";
}

std::string to_string(EnviInterleave interleave) {
  switch (interleave) {
    case EnviInterleave::kBsq: return "bsq";
    case EnviInterleave::kBil: return "bil";
    case EnviInterleave::kBip: return "bip";
  }
  return "unknown";
}

std::int64_t bytes_per_value(EnviDataType type) {
  switch (type) {
    case EnviDataType::kUint8: return 1;
    case EnviDataType::kInt16:
    case EnviDataType::kUint16: return 2;
    case EnviDataType::kInt32:
    case EnviDataType::kFloat32: return 4;
    case EnviDataType::kFloat64: return 8;
  }
  return 0;
}

std::int64_t EnviHeader::required_file_bytes() const {
  return header_offset + samples * lines * bands * bytes_per_value(data_type);
}

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "Data   Type" -> "data type": keys compare case- and spacing-insensitively.
std::string normalise_key(const std::string& key) {
  std::string out;
  bool space = false;
  for (char c : trim(key)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct RawValue {
  std::string text;  // without the braces for a {...} value
  bool braced = false;
};

// The header split into key -> value, before any interpretation.
class KeyValues {
 public:
  KeyValues(const std::string& text, const std::string& where) : where_(where) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    std::size_t index = 0;
    while (index < lines.size() && trim(lines[index]).empty()) ++index;
    std::string first = index < lines.size() ? trim(lines[index]) : "";
    if (first.rfind("\xEF\xBB\xBF", 0) == 0) first = first.substr(3);  // UTF-8 byte order mark
    if (first != "ENVI") fail("not an ENVI header: the first line must be 'ENVI'");
    for (++index; index < lines.size(); ++index) {
      const std::string line = trim(lines[index]);
      if (line.empty() || line[0] == ';') continue;
      const auto equals = line.find('=');
      if (equals == std::string::npos) {
        fail("line " + std::to_string(index + 1) + " is not 'key = value': '" +
             printable_excerpt(line) + "'");
      }
      const std::string key = normalise_key(line.substr(0, equals));
      if (key.empty()) fail("line " + std::to_string(index + 1) + " has no key before '='");
      RawValue value;
      value.text = trim(line.substr(equals + 1));
      if (!value.text.empty() && value.text[0] == '{') {
        value.braced = true;
        std::string body = value.text.substr(1);
        while (body.find('}') == std::string::npos) {
          if (++index >= lines.size()) {
            fail("'" + printable_excerpt(key) +
                 "' has an unterminated '{' (no '}' before the end of the header)");
          }
          body += "\n" + lines[index];
        }
        value.text = trim(body.substr(0, body.find('}')));
      }
      if (values_.count(key)) fail("key '" + printable_excerpt(key) + "' appears twice");
      values_[key] = value;
    }
  }

  const RawValue* find(const std::string& key) const {
    const auto it = values_.find(key);
    return it == values_.end() ? nullptr : &it->second;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("ENVI header '" + where_ + "': " + what);
  }

 private:
  std::string where_;
  std::map<std::string, RawValue> values_;
};

std::int64_t parse_integer(const KeyValues& header, const std::string& key,
                           const std::string& text) {
  const std::string value = trim(text);
  errno = 0;
  char* end = nullptr;
  const long long parsed = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE) {
    header.fail("'" + key + "' is not an integer: '" + printable_excerpt(value) + "'");
  }
  return parsed;
}

double parse_number(const KeyValues& header, const std::string& key, const std::string& text) {
  const std::string value = trim(text);
  errno = 0;
  char* end = nullptr;
  const double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || errno == ERANGE) {
    header.fail("'" + key + "' is not a number: '" + printable_excerpt(value) + "'");
  }
  return parsed;
}

std::int64_t required_positive(const KeyValues& header, const std::string& key) {
  const RawValue* value = header.find(key);
  if (value == nullptr) header.fail("missing required key '" + key + "'");
  const std::int64_t parsed = parse_integer(header, key, value->text);
  if (parsed <= 0) header.fail("'" + key + "' must be positive, got " + std::to_string(parsed));
  return parsed;
}

std::vector<std::string> split_list(const RawValue& value) {
  std::vector<std::string> items;
  std::string item;
  std::istringstream stream(value.text);
  while (std::getline(stream, item, ',')) items.push_back(trim(item));
  if (!items.empty() && items.back().empty()) items.pop_back();  // trailing comma
  return items;
}

void check_per_band(const KeyValues& header, const std::string& key, std::size_t count,
                    std::int64_t bands) {
  if (static_cast<std::int64_t>(count) != bands) {
    header.fail("'" + key + "' has " + std::to_string(count) + " values but 'bands' is " +
                std::to_string(bands));
  }
}

EnviDataType parse_data_type(const KeyValues& header) {
  const RawValue* value = header.find("data type");
  if (value == nullptr) header.fail("missing required key 'data type'");
  const std::int64_t code = parse_integer(header, "data type", value->text);
  switch (code) {
    case 1: return EnviDataType::kUint8;
    case 2: return EnviDataType::kInt16;
    case 3: return EnviDataType::kInt32;
    case 4: return EnviDataType::kFloat32;
    case 5: return EnviDataType::kFloat64;
    case 12: return EnviDataType::kUint16;
    default:
      header.fail("unsupported 'data type' " + std::to_string(code) +
                  " (gridnmf reads 1 byte, 2 int16, 3 int32, 4 float32, 5 float64, 12 uint16)");
  }
}

}  // namespace

EnviHeader parse_envi_header(const std::string& text, const std::string& where) {
  const KeyValues header(text, where);
  EnviHeader result;
  result.samples = required_positive(header, "samples");
  result.lines = required_positive(header, "lines");
  result.bands = required_positive(header, "bands");
  result.data_type = parse_data_type(header);

  if (const RawValue* value = header.find("file type")) {
    if (lower(value->text).rfind("envi", 0) != 0) {
      header.fail("'file type' '" + printable_excerpt(value->text) +
                  "' is not supported (gridnmf reads raw 'ENVI Standard' images)");
    }
  }
  if (const RawValue* value = header.find("header offset")) {
    result.header_offset = parse_integer(header, "header offset", value->text);
    if (result.header_offset < 0) header.fail("'header offset' must be >= 0");
  }
  if (const RawValue* value = header.find("interleave")) {
    const std::string name = lower(trim(value->text));
    if (name == "bsq") {
      result.interleave = EnviInterleave::kBsq;
    } else if (name == "bil") {
      result.interleave = EnviInterleave::kBil;
    } else if (name == "bip") {
      result.interleave = EnviInterleave::kBip;
    } else {
      header.fail("'interleave' must be bsq, bil or bip, got '" + printable_excerpt(value->text) +
                  "'");
    }
  }
  if (const RawValue* value = header.find("byte order")) {
    const std::int64_t order = parse_integer(header, "byte order", value->text);
    if (order != 0 && order != 1) {
      header.fail("'byte order' must be 0 (little-endian) or 1 (big-endian), got " +
                  std::to_string(order));
    }
    result.big_endian = order == 1;
  }
  if (const RawValue* value = header.find("wavelength")) {
    if (!value->braced) header.fail("'wavelength' must be a list in braces {...}");
    for (const std::string& item : split_list(*value)) {
      result.wavelengths.push_back(parse_number(header, "wavelength", item));
    }
    check_per_band(header, "wavelength", result.wavelengths.size(), result.bands);
  }
  if (const RawValue* value = header.find("wavelength units")) {
    result.wavelength_units = trim(value->text);
  }
  if (const RawValue* value = header.find("data ignore value")) {
    result.data_ignore_value = parse_number(header, "data ignore value", value->text);
  }
  if (const RawValue* value = header.find("band names")) {
    if (!value->braced) header.fail("'band names' must be a list in braces {...}");
    result.band_names = split_list(*value);
    check_per_band(header, "band names", result.band_names.size(), result.bands);
  }
  if (const RawValue* value = header.find("data file")) result.data_file = trim(value->text);

  // The raw file size must fit in 64 bits (and in an off_t for pread).
  const long double bytes = static_cast<long double>(result.samples) * result.lines *
                            result.bands * bytes_per_value(result.data_type) +
                            result.header_offset;
  if (bytes > static_cast<long double>(std::numeric_limits<std::int64_t>::max() / 2)) {
    header.fail("'samples' x 'lines' x 'bands' is too large");
  }
  return result;
}

std::string find_envi_data_file(const std::string& header_path, const EnviHeader& header) {
  namespace fs = std::filesystem;
  const fs::path header_file(header_path);
  std::vector<fs::path> candidates;
  if (!header.data_file.empty()) {
    fs::path named(header.data_file);
    if (named.is_relative()) named = header_file.parent_path() / named;
    candidates.push_back(named);
  } else {
    fs::path base = header_file;
    if (lower(base.extension().string()) == ".hdr") base.replace_extension();
    const std::string stem = base.string();
    for (const std::string& suffix :
         {std::string(), std::string(".img"), std::string(".raw"), std::string(".dat"),
          "." + to_string(header.interleave), std::string(".IMG"), std::string(".RAW"),
          std::string(".DAT")}) {
      candidates.push_back(stem + suffix);
    }
  }
  std::string tried;
  for (const fs::path& candidate : candidates) {
    if (fs::is_regular_file(candidate) && candidate != header_file) return candidate.string();
    tried += (tried.empty() ? "" : ", ") + candidate.string();
  }
  throw Error("no raw data file for ENVI header '" + header_path + "' (tried " + tried + ")");
}

}  // namespace gridnmf::io
