#pragma once

#include <cstdint>

namespace gridnmf::local {

// Hoyer's sparseness of x (n values): (sqrt(n) - ||x||_1 / ||x||_2) /
// (sqrt(n) - 1), 0 for a constant vector, 1 for a single nonzero (Hoyer,
// JMLR 5, 2004). 0 for the zero vector and for n = 1.
double hoyer_sparseness(const double* x, std::int64_t n);

// Replaces x (n > 1 values) by the closest non-negative vector, in the
// Euclidean norm, with L2 norm `l2` and sparseness `sparseness` (0 <= s <= 1),
// i.e. L1 norm l2 (sqrt(n) - s (sqrt(n) - 1)): Hoyer's projection (2004,
// figure 1), which fixes one more coordinate at zero each round and so ends
// in at most n rounds. `scratch` holds 2 n values. Returns false (x left
// unchanged) when l2 <= 0 or no such vector exists for these values (cannot
// happen for s in [0, 1] and n > 1).
bool project_to_sparseness(double* x, std::int64_t n, double sparseness, double l2,
                           double* scratch);

// Holds x at sparseness at least `sparseness`: a column already that sparse
// (or zero) is left alone, any other is projected with its own L2 norm kept.
// Returns true when x changed.
bool raise_sparseness(double* x, std::int64_t n, double sparseness, double* scratch);

}  // namespace gridnmf::local
