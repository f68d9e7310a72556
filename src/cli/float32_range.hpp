#pragma once

// float64 data that float32 cannot hold, told apart from NaN and infinity in
// the file. Private to cli/.
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::cli {

// For a --precision float32 run on float64 data: when the float32 block holds
// infinities, or the largest entry of V is below 2^-100 (near float32's
// underflow), reads the block again in float64, in row panels, and refuses
// (Error, one line) data beyond float32's range (finite values above 3.4e38,
// or nonzero values below 1.2e-38 that float32 flushed), with the advice to
// use float64, where gridnmf scales such data itself. Other data passes
// untouched (a real NaN or infinity is then reported by the usual check).
// Costs nothing on ordinary data. Collective over grid.all().
void refuse_beyond_float32(const ProcessGrid& grid, io::MatrixSource& input,
                           const LocalMatrix<float>& block, const IndexRange& rows,
                           const IndexRange& cols);

}  // namespace gridnmf::cli
