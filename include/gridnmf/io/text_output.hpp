#pragma once

#include <string>

namespace gridnmf::io {

// Writes `text` to PATH.<pid>.partial, checking every write and the close,
// and renames it to `path` once complete, so `path` is never empty or half
// written. On failure removes the temporary file and throws Error naming
// `option`, the file and the system's reason ("No space left on device").
// Local: one rank writes (JSON reports).
void write_text_file(const std::string& path, const std::string& text, const std::string& option);

}  // namespace gridnmf::io
