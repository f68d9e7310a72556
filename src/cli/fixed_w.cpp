#include "fixed_w.hpp"

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/serial_file.hpp"

namespace gridnmf::cli {

FixedWFile read_fixed_w_file(MPI_Comm comm, const std::string& path, const std::string& option) {
  FixedWFile fixed;
  fixed.path = path;
  comm::agree_on_failure(comm, [&] {
    const io::SerialFile file(path, option);
    std::tie(fixed.rows, fixed.k) = file.matrix_shape("W");
    fixed.row_names = file.strings("row_names");
    if (file.has("idf")) fixed.idf = file.vector("idf");
    fixed.loss = file.string_attribute("loss");
    fixed.normalization = file.string_attribute("normalize");
    if (fixed.rows < 1 || fixed.k < 1) throw Error(option + " " + path + ": /W is empty");
    if (!fixed.idf.empty() && static_cast<std::int64_t>(fixed.idf.size()) != fixed.rows) {
      throw Error(option + " " + path + ": /idf has " + std::to_string(fixed.idf.size()) +
                  " values but /W has " + std::to_string(fixed.rows) + " rows");
    }
  });
  return fixed;
}

void check_rows_match(const FixedWFile& fixed, const io::MatrixShape& shape,
                      const std::vector<std::string>& input_row_names, const std::string& input,
                      const std::string& option) {
  if (shape.rows != fixed.rows) {
    throw Error("--input " + input + " has " + std::to_string(shape.rows) + " rows but " + option +
                " " + fixed.path + " has a W of " + std::to_string(fixed.rows) +
                " rows; the rows must be the model's features (use --transpose for a matrix "
                "stored samples x features)");
  }
  if (fixed.row_names.empty() || input_row_names.empty()) return;
  for (std::size_t i = 0; i < fixed.row_names.size(); ++i) {
    if (fixed.row_names[i] != input_row_names[i]) {
      throw Error("row " + std::to_string(i) + " of --input " + input + " is '" +
                  input_row_names[i] + "' but row " + std::to_string(i) + " of " + option + " " +
                  fixed.path + " is '" + fixed.row_names[i] +
                  "'; the rows must be the same features in the same order");
    }
  }
}

template <typename T>
LocalMatrix<T> read_fixed_w(const ProcessGrid& grid, const Distribution& dist,
                            const FixedWFile& fixed, const comm::InputOrder& order) {
  const IndexRange rows = dist.owned_w_rows(grid.row(), grid.col());
  io::Hdf5Handle file = io::open_parallel_file(grid.all(), fixed.path);
  LocalMatrix<T> w =
      io::read_w_rows<T>(grid.all(), file.get(), fixed.path, "W", dist.rows(), fixed.k, rows);
  io::check_nonnegative_finite(grid.all(), w, rows, IndexRange{0, fixed.k}, fixed.path + ":/W");
  if (order.rows.is_identity()) return w;
  return comm::reorder_w_rows(grid, dist, order.rows, comm::OrderDirection::kToInternal, w);
}

template LocalMatrix<double> read_fixed_w<double>(const ProcessGrid&, const Distribution&,
                                                  const FixedWFile&, const comm::InputOrder&);
template LocalMatrix<float> read_fixed_w<float>(const ProcessGrid&, const Distribution&,
                                                const FixedWFile&, const comm::InputOrder&);

}  // namespace gridnmf::cli
