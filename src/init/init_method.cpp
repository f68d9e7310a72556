#include "gridnmf/init/init_method.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

namespace {

constexpr const char* kFilePrefix = "file:";
constexpr InitMethod kNamed[] = {InitMethod::kRandom, InitMethod::kNndsvd, InitMethod::kNndsvda,
                                 InitMethod::kNndsvdar, InitMethod::kSpa};

}  // namespace

std::string to_string(InitMethod method) {
  switch (method) {
    case InitMethod::kRandom: return "random";
    case InitMethod::kNndsvd: return "nndsvd";
    case InitMethod::kNndsvda: return "nndsvda";
    case InitMethod::kNndsvdar: return "nndsvdar";
    case InitMethod::kSpa: return "spa";
    case InitMethod::kFile: return "file";
  }
  return "unknown";
}

InitChoice parse_init(const std::string& text) {
  if (text.rfind(kFilePrefix, 0) == 0) {
    const std::string path = text.substr(5);
    if (path.empty()) throw UsageError("--init file: needs a path, e.g. file:previous.h5");
    return {InitMethod::kFile, path};
  }
  for (const InitMethod method : kNamed) {
    if (text == to_string(method)) return {method, {}};
  }
  throw UsageError("unknown --init '" + text +
                   "' (supported: random, nndsvd, nndsvda, nndsvdar, spa, file:PATH)");
}

bool is_deterministic(InitMethod method) {
  return method != InitMethod::kRandom && method != InitMethod::kNndsvdar;
}

}  // namespace gridnmf
