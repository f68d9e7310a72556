#include "gridnmf/io/path_checks.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// stat() follows symlinks, so a link to /dev/null counts as the device.
int look_up(const std::string& path, struct stat& status) {
  return stat(path.c_str(), &status) == 0 ? 0 : errno;
}

}  // namespace

void check_input_file(const std::string& path, const std::string& option) {
  struct stat status = {};
  const int error = look_up(path, status);
  if (error == ENOENT) return;
  if (error != 0) throw UsageError(option + " '" + path + "': " + std::strerror(error));
  if (!S_ISREG(status.st_mode)) {
    throw UsageError(option + " '" + path + "' is " + kind_of(status.st_mode) +
                     ", not a regular file");
  }
}

void check_existing_output(const std::string& path, const std::string& option) {
  struct stat status = {};
  const int error = look_up(path, status);
  if (error == ENOENT) return;
  if (error != 0) throw UsageError(option + " '" + path + "': " + std::strerror(error));
  if (!S_ISREG(status.st_mode)) {
    throw UsageError(option + " '" + path + "' is " + kind_of(status.st_mode) +
                     "; gridnmf replaces only regular files, choose another path");
  }
}

}  // namespace gridnmf::io
