#pragma once

#include <string>

namespace gridnmf::io {

// Whether two paths name the same file, by identity rather than spelling:
// for existing files the device and inode (hard links and symlinks included),
// for a file not there yet the canonical directory plus the name, so
// "./x.h5", "x.h5" and "dir/../x.h5" agree. Never throws; local (the file
// system gives every rank the same answer, so validate() may call it on
// every rank).
bool same_file(const std::string& a, const std::string& b);

}  // namespace gridnmf::io
