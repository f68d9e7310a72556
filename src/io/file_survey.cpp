#include "gridnmf/io/file_survey.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

namespace {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// The first line of `head`, non-printable bytes escaped, cut to 40 characters.
std::string first_line(const std::string& head) {
  std::string line;
  for (const char c : head) {
    if (c == '\n' || c == '\r' || line.size() >= 40) break;
    const auto byte = static_cast<unsigned char>(c);
    if (std::isprint(byte)) {
      line += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      line += escaped;
    }
  }
  return line;
}

bool looks_like_text(const std::string& head) {
  std::size_t printable = 0;
  for (const char c : head) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) return false;
    if (std::isprint(byte) || std::isspace(byte) || byte >= 0x80) ++printable;
  }
  return printable == head.size();
}

H5O_type_t object_type(hid_t file, const std::string& path) {
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) return H5O_TYPE_UNKNOWN;
  H5O_info_t info;
  if (H5Oget_info_by_name(file, path.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

std::string type_name(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  if (H5Tget_class(type) == H5T_FLOAT) return "float" + std::to_string(8 * size);
  const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
  return std::string(is_signed ? "int" : "uint") + std::to_string(8 * size);
}

// "R x C type" for a 2-D numeric dataset, "" otherwise.
std::string matrix_summary(hid_t file, const std::string& path) {
  const hid_t data = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  if (data < 0) return "";
  Hdf5Handle dataset(data, H5Dclose, "");
  Hdf5Handle type(H5Dget_type(data), H5Tclose, "");
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) return "";
  Hdf5Handle space(H5Dget_space(data), H5Sclose, "");
  if (H5Sget_simple_extent_ndims(space.get()) != 2) return "";
  hsize_t extent[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), extent, nullptr);
  return std::to_string(extent[0]) + " x " + std::to_string(extent[1]) + " " +
         type_name(type.get());
}

void survey(hid_t file, const std::string& group, int depth, std::size_t limit,
            std::vector<std::string>& found, bool& more) {
  H5G_info_t info;
  if (H5Gget_info_by_name(file, group.c_str(), &info, H5P_DEFAULT) < 0) return;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = H5Lget_name_by_idx(file, group.c_str(), H5_INDEX_NAME, H5_ITER_INC, i,
                                              nullptr, 0, H5P_DEFAULT);
    if (length <= 0) continue;
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Lget_name_by_idx(file, group.c_str(), H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(length));
    const std::string path = (group == "/" ? "/" : group + "/") + name;
    std::string entry;
    const H5O_type_t type = object_type(file, path);
    if (type == H5O_TYPE_DATASET) {
      const std::string summary = matrix_summary(file, path);
      if (!summary.empty()) entry = path + " (" + summary + ")";
    } else if (type == H5O_TYPE_GROUP) {
      if (object_type(file, path + "/data") == H5O_TYPE_DATASET &&
          object_type(file, path + "/indices") == H5O_TYPE_DATASET &&
          object_type(file, path + "/indptr") == H5O_TYPE_DATASET) {
        entry = path + " (sparse group)";
      } else if (depth < 4) {
        survey(file, path, depth + 1, limit, found, more);
      }
    }
    if (!entry.empty()) {
      if (found.size() >= limit) {
        more = true;
        return;
      }
      found.push_back(entry);
    }
    if (more) return;
  }
}

}  // namespace

std::string describe_file_start(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return "unreadable";
  std::string head(4096, '\0');
  stream.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(stream.gcount()));
  if (head.empty()) return "empty (0 bytes)";
  if (starts_with(head, "\x93NUMPY")) return "a NumPy .npy file";
  if (starts_with(head, "PK\x03\x04")) {
    return "a zip archive (a NumPy .npz? save the matrix alone with numpy.save)";
  }
  if (starts_with(head, "\x1f\x8b")) return "gzip-compressed data (decompress it first)";
  if (starts_with(head, "\x89HDF\r\n\x1a\n")) return "an HDF5 file that cannot be read";
  if (looks_like_text(head)) {
    if (starts_with(head, "%%MatrixMarket")) {
      return "a Matrix Market file (turn it into HDF5 with gridnmf convert)";
    }
    return "a text file starting '" + first_line(head) +
           "' (write V with h5py or numpy.save instead)";
  }
  std::string bytes;
  for (std::size_t i = 0; i < head.size() && i < 8; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(head[i]));
    bytes += (i ? " " : "") + std::string(hex);
  }
  return "binary data starting with bytes " + bytes;
}

std::string list_matrices(hid_t file, std::size_t limit) {
  std::vector<std::string> found;
  bool more = false;
  survey(file, "/", 0, limit, found, more);
  std::string text;
  for (const std::string& entry : found) text += (text.empty() ? "" : ", ") + entry;
  if (more) text += ", ...";
  return text;
}

}  // namespace gridnmf::io
