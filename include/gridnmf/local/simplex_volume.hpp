#pragma once

#include <cstdint>

namespace gridnmf::local {

// Minimum-volume term for unmixing: f(W) = log det(P W^T W P + epsilon I),
// P = I - 1 1^T / k, the volume of the simplex spanned by the columns of W
// (centred, so it measures the simplex, not the cone from the origin).
// Since log det is concave, tr(Y P W^T W P) with Y = (P G0 P + epsilon I)^-1
// majorizes f around W0 up to a constant; minimising
// 0.5 ||V - W H||^2 + 0.5 lambda f(W) over W therefore adds lambda P Y P to
// the Gram matrix H H^T of the W half and nothing else.
//
// From the Gram matrix G = W^T W (k x k, row-major, symmetric), writes
// P (P G P + epsilon I)^-1 P into `correction` (k x k) when it is not null
// and returns log det(P G P + epsilon I). epsilon must be > 0. Throws
// std::runtime_error if P G P + epsilon I is not positive definite (a
// non-finite G). Local: no communication.
double simplex_volume_majorizer(const double* gram, std::int64_t k, double epsilon,
                                double* correction);

}  // namespace gridnmf::local
