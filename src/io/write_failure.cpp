#include "gridnmf/io/write_failure.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

// Superblock, object headers, attributes and the option text of our files
// stay well below this.
constexpr std::int64_t kMetadataAllowance = 16 * 1024;

std::string directory_of(const std::string& path) {
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  return directory.empty() ? "." : directory.string();
}

}  // namespace

std::string byte_text(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  char text[48];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string refusal_reason(const std::string& path) {
  // HDF5 and MPI-IO report a short write without errno; a fresh allocation
  // next to the file fails for the same reason (full device, quota, inodes).
  const std::string probe = directory_of(path) + "/.gridnmf." + std::to_string(getpid()) + ".space";
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return std::strerror(errno);
  const int status = posix_fallocate(fd, 0, 64 * 1024);
  close(fd);
  unlink(probe.c_str());
  return status == 0 || status == EOPNOTSUPP || status == EINVAL ? "" : std::strerror(status);
}

void check_free_space(const std::string& path, const std::string& what, std::int64_t bytes) {
  struct statvfs space = {};
  const std::string directory = directory_of(path);
  if (statvfs(directory.c_str(), &space) != 0) return;  // the write itself will say why
  const double available = static_cast<double>(space.f_bavail) * space.f_frsize;
  const double needed = static_cast<double>(bytes + kMetadataAllowance);
  if (available < needed) {
    throw Error("writing " + what + " '" + path + "' failed: " + std::strerror(ENOSPC) +
                " (it needs about " + byte_text(needed) + ", '" + directory + "' has " +
                byte_text(available) + " free)");
  }
}

}  // namespace gridnmf::io
