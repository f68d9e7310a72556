#pragma once

// Endmember initialisation for unmixing: pick k columns of V (pixels) as the
// endmember spectra W, then H by one NNLS solve. Every function is collective
// over grid.all() and gives the same answer on every grid.
#include "gridnmf/init/column_factors.hpp"
#include "gridnmf/init/spa.hpp"
#include "gridnmf/init/vca.hpp"
