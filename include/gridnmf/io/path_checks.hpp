#pragma once

#include <string>

namespace gridnmf::io {

// Refuses an input path that exists but is not a regular file (FIFO, device,
// socket, directory) without opening it (opening a FIFO blocks until a writer
// comes), or that cannot be looked up (symlink loop, name too long, a
// non-directory on the way): UsageError "OPTION 'PATH' is a FIFO, ...". A
// missing file passes: the reader says so in its own words. Never throws
// anything else; local (call on one rank inside an agreement).
void check_input_file(const std::string& path, const std::string& option);

// The same for an output path that already exists: gridnmf replaces only
// regular files, never a device, FIFO, socket or directory. Local.
void check_existing_output(const std::string& path, const std::string& option);

}  // namespace gridnmf::io
