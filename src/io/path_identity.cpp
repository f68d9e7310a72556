#include "gridnmf/io/path_identity.hpp"

#include <sys/stat.h>

#include <filesystem>

namespace gridnmf::io {

namespace {

namespace fs = std::filesystem;

// Where a file that does not exist yet would be created.
std::string future_location(const std::string& path) {
  const fs::path given(path);
  fs::path directory = given.parent_path();
  if (directory.empty()) directory = ".";
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(directory, error);
  if (error) resolved = fs::absolute(directory, error).lexically_normal();
  return (resolved / given.filename()).string();
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  struct stat first = {}, second = {};
  const bool first_exists = stat(a.c_str(), &first) == 0;
  const bool second_exists = stat(b.c_str(), &second) == 0;
  if (first_exists && second_exists) {
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
  }
  if (first_exists || second_exists) return false;
  return future_location(a) == future_location(b);
}

}  // namespace gridnmf::io
