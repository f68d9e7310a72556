#pragma once

#include <cstdint>
#include <string>

namespace gridnmf::io {

// Why the file system refuses to store more in the directory of `path`
// ("No space left on device", "Disk quota exceeded", ...), asked of the file
// system itself with a small allocation; "" when it accepts it. Local.
std::string refusal_reason(const std::string& path);

// Throws Error "writing WHAT 'PATH' failed: No space left on device (...)"
// when the file system holding `path` has fewer than `bytes` (plus room for
// metadata) available. Local: call it on one rank inside an agreement.
void check_free_space(const std::string& path, const std::string& what, std::int64_t bytes);

// "12.3 MiB": a byte count for messages.
std::string byte_text(double bytes);

}  // namespace gridnmf::io
