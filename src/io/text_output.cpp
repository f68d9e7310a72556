#include "gridnmf/io/text_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

namespace {

// Writes everything or returns the errno that stopped it (0 on success).
int write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return written < 0 ? errno : ENOSPC;
    done += static_cast<std::size_t>(written);
  }
  return 0;
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text, const std::string& option) {
  const std::string temporary = path + "." + std::to_string(getpid()) + ".partial";
  const auto fail = [&](int error) {
    std::remove(temporary.c_str());
    throw Error("cannot write the " + option + " file '" + path + "': " + std::strerror(error));
  };
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(errno);
  int error = write_all(fd, text);
  // tmpfs and NFS may report a full device only at fsync or close.
  if (error == 0 && fsync(fd) != 0 && errno != EINVAL) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error != 0) fail(error);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail(errno);
}

}  // namespace gridnmf::io
