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

// UsageError "OPTION 'PATH' is KIND<consequence>" if `path` exists and is
// not a regular file, or its own words if it cannot be looked up; a missing
// path passes.
void refuse_irregular_file(const std::string& path, const std::string& option,
                           const std::string& consequence) {
  // stat() follows symlinks, so a link to /dev/null counts as the device.
  struct stat status = {};
  if (stat(path.c_str(), &status) != 0) {
    const int error = errno;
    if (error == ENOENT) return;
    throw UsageError(option + " '" + path + "': " + std::strerror(error));
  }
  if (!S_ISREG(status.st_mode)) {
    throw UsageError(option + " '" + path + "' is " + kind_of(status.st_mode) + consequence);
  }
}

}  // namespace

void check_input_file(const std::string& path, const std::string& option) {
  refuse_irregular_file(path, option, ", not a regular file");
}

void check_existing_output(const std::string& path, const std::string& option) {
  refuse_irregular_file(path, option, "; gridnmf replaces only regular files, choose another path");
}

}  // namespace gridnmf::io
