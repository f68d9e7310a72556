#pragma once

// The W a run keeps fixed (factorize --fix-w, transform): what its file says,
// checked against the input, and this rank's rows of it. Private to cli/.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/matrix_reader.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::cli {

// What a result file says about its W besides the values. Replicated.
struct FixedWFile {
  std::string path;
  std::int64_t rows = 0;
  std::int64_t k = 0;
  std::vector<std::string> row_names;  // empty when the file has none
  std::vector<double> idf;             // the training tf-idf weights; empty when absent
  std::string loss;                    // the `loss` attribute; empty when absent
  std::string normalization;           // the `normalize` attribute; empty when absent
};

// Reads the facts on every rank (small: names and idf, not W). Collective
// over `comm`; the same one-line Error on every rank.
FixedWFile read_fixed_w_file(MPI_Comm comm, const std::string& path, const std::string& option);

// Refuses an input whose rows are not W's rows: their count, and their names
// when both have names. `option` names the file of W in the message.
// Replicated: throws the same Error on every rank.
void check_rows_match(const FixedWFile& fixed, const io::MatrixShape& shape,
                      const std::vector<std::string>& input_row_names, const std::string& input,
                      const std::string& option);

// This rank's owned rows of the file's W, in the run's internal `order`,
// checked non-negative and finite. Collective over grid.all().
template <typename T>
LocalMatrix<T> read_fixed_w(const ProcessGrid& grid, const Distribution& dist,
                            const FixedWFile& fixed, const comm::InputOrder& order);

}  // namespace gridnmf::cli
