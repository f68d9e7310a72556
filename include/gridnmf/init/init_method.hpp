#pragma once

#include <string>

namespace gridnmf {

// How the factorization starts (the --init option).
enum class InitMethod { kRandom, kNndsvd, kNndsvda, kNndsvdar, kSpa, kFile };

std::string to_string(InitMethod method);

// A parsed --init value; `path` is set for kFile.
struct InitChoice {
  InitMethod method = InitMethod::kRandom;
  std::string path;
};

// Parses random, nndsvd, nndsvda, nndsvdar, spa or file:PATH; throws
// UsageError naming --init otherwise. Pure, so every rank agrees.
InitChoice parse_init(const std::string& text);

// True when the start does not depend on the seed, so restarts with other
// seeds would repeat the same run.
bool is_deterministic(InitMethod method);

}  // namespace gridnmf
