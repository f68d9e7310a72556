#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/json_text.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/serial_file.hpp"
#include "gridnmf/io/text_output.hpp"
#include "gridnmf/local/cooccurrence.hpp"
#include "gridnmf/matrix/data_block.hpp"

namespace gridnmf::cli {

namespace {

// The top rows of every component. The sizes and top_rows are replicated
// (broadcast from rank 0, which read the result); the rest lives on rank 0.
struct TopRows {
  std::int64_t rows = 0;  // m, the rows of W
  std::int64_t k = 0;
  std::int64_t top = 0;                 // rows listed per component, min(--n, m)
  std::vector<std::int64_t> top_rows;   // k x top, component by component
  std::vector<double> weights;          // W[i, l] / sum_i W[i, l] of each listed row
  std::vector<std::string> names;       // of each listed row: /row_names, else the index
  std::vector<double> shares;           // /component_share (or from W and H)
  std::vector<std::int64_t> by_share;   // the components, largest share first
};

// Reads the result on the calling rank and ranks each component's rows.
TopRows read_top_rows(const TopOptions& options) {
  const io::SerialFile result(options.result, "--result");
  const LocalMatrix<double> w = result.matrix("W");
  TopRows top;
  top.rows = w.rows;
  top.k = w.cols;
  top.top = std::min(options.top, w.rows);
  if (result.has("component_share")) {
    top.shares = result.vector("component_share");
  } else {  // results of older versions: (1^T w_l)(h_l 1) from /H
    const LocalMatrix<double> h = result.matrix("H");
    if (h.rows != w.cols) throw Error(options.result + ": /W and /H disagree on k");
    top.shares.assign(static_cast<std::size_t>(top.k), 0.0);
    double total = 0.0;
    for (std::int64_t l = 0; l < top.k; ++l) {
      double w_sum = 0.0, h_sum = 0.0;
      for (std::int64_t i = 0; i < w.rows; ++i) w_sum += w(i, l);
      for (std::int64_t j = 0; j < h.cols; ++j) h_sum += h(l, j);
      top.shares[l] = w_sum * h_sum;
      total += top.shares[l];
    }
    for (double& share : top.shares) share = total > 0 ? share / total : 0.0;
  }
  if (static_cast<std::int64_t>(top.shares.size()) != top.k) {
    throw Error(options.result + ": /component_share has " + std::to_string(top.shares.size()) +
                " values but /W has k = " + std::to_string(top.k) + " columns");
  }
  std::vector<std::string> row_names = result.strings("row_names");
  if (static_cast<std::int64_t>(row_names.size()) != w.rows) row_names.clear();

  std::vector<std::int64_t> order(static_cast<std::size_t>(w.rows));
  for (std::int64_t l = 0; l < top.k; ++l) {
    double column_sum = 0.0;
    for (std::int64_t i = 0; i < w.rows; ++i) column_sum += w(i, l);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + top.top, order.end(),
                      [&](std::int64_t a, std::int64_t b) {
                        return w(a, l) > w(b, l) || (w(a, l) == w(b, l) && a < b);
                      });
    for (std::int64_t t = 0; t < top.top; ++t) {
      const std::int64_t row = order[t];
      top.top_rows.push_back(row);
      top.weights.push_back(column_sum > 0 ? w(row, l) / column_sum : 0.0);
      top.names.push_back(row_names.empty() ? std::to_string(row) : row_names[row]);
    }
  }
  top.by_share.resize(static_cast<std::size_t>(top.k));
  std::iota(top.by_share.begin(), top.by_share.end(), 0);
  std::stable_sort(top.by_share.begin(), top.by_share.end(), [&](std::int64_t a, std::int64_t b) {
    return top.shares[a] > top.shares[b];
  });
  return top;
}

// Gives every rank the sizes and the listed rows rank 0 read.
void share_top_rows(TopRows& top) {
  std::int64_t sizes[3] = {top.rows, top.k, top.top};
  comm::broadcast(MPI_COMM_WORLD, sizes, 3);
  top.rows = sizes[0];
  top.k = sizes[1];
  top.top = sizes[2];
  top.top_rows.resize(static_cast<std::size_t>(top.k * top.top));
  comm::broadcast(MPI_COMM_WORLD, top.top_rows.data(), top.k * top.top);
}

// NPMI coherence of each component's listed rows and the columns counted.
struct Coherence {
  std::vector<double> npmi;  // per component
  double mean = 0.0;
  std::int64_t columns = 0;
};

// Counts document co-occurrence of the listed rows in the columns of the
// input: on a 1 x p grid each rank reads all rows of its columns (a 1/p
// share of the matrix), counts its columns, and one sum over all ranks
// gives the totals. Collective over MPI_COMM_WORLD.
Coherence coherence_of(const TopRows& top, const TopOptions& options) {
  io::MatrixSource input =
      io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset, options.transpose);
  const io::MatrixShape shape = input.shape();
  if (shape.rows != top.rows) {
    throw Error("--input " + options.input + " has " + std::to_string(shape.rows) +
                " rows but the model's W has " + std::to_string(top.rows) +
                "; give the matrix the model was trained on");
  }
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const GridShape shape_1xp{1, static_cast<int>(std::min<std::int64_t>(ranks, shape.cols))};
  if (shape_1xp.cols != ranks) {
    throw UsageError("--coherence on " + std::to_string(shape.cols) + " columns needs at most " +
                     std::to_string(shape.cols) + " ranks");
  }
  const ProcessGrid grid(MPI_COMM_WORLD, shape_1xp);
  const Distribution dist(shape.rows, shape.cols, 1, ranks);

  // The distinct listed rows, and each component's pairs of them.
  local::CooccurrenceQuery query;
  std::map<std::int64_t, std::int32_t> position;
  for (const std::int64_t row : top.top_rows) {
    if (position.emplace(row, static_cast<std::int32_t>(query.rows.size())).second) {
      query.rows.push_back(row);
    }
  }
  for (std::int64_t l = 0; l < top.k; ++l) {
    const std::int64_t* rows = top.top_rows.data() + l * top.top;
    for (std::int64_t a = 0; a < top.top; ++a) {
      for (std::int64_t b = a + 1; b < top.top; ++b) {
        query.pairs.emplace_back(position[rows[a]], position[rows[b]]);
      }
    }
  }
  std::vector<std::int64_t> counts(query.rows.size() + query.pairs.size(), 0);
  if (input.is_sparse()) {
    io::SparseReadReport report;
    const SparseBlock<double> block = input.read_sparse_block<double>(
        {&dist, false, comm::InputOrder::identity(shape.rows, shape.cols), 0}, report);
    local::add_cooccurrence_counts(block, query, counts.data());
  } else {
    const LocalMatrix<double> block =
        input.read_block<double>(dist.block_rows(0), dist.block_cols(grid.col()));
    local::add_cooccurrence_counts(block, query, counts.data());
  }
  input.close();
  comm::allreduce_sum(grid.all(), counts.data(), static_cast<std::int64_t>(counts.size()));

  Coherence coherence;
  coherence.columns = shape.cols;
  const std::int64_t* pair_counts = counts.data() + query.rows.size();
  std::size_t pair = 0;
  for (std::int64_t l = 0; l < top.k; ++l) {
    double sum = 0.0;
    std::int64_t pairs = 0;
    for (std::int64_t a = 0; a < top.top; ++a) {
      for (std::int64_t b = a + 1; b < top.top; ++b, ++pair, ++pairs) {
        sum += local::npmi(pair_counts[pair], counts[query.pairs[pair].first],
                           counts[query.pairs[pair].second], shape.cols);
      }
    }
    coherence.npmi.push_back(pairs > 0 ? sum / static_cast<double>(pairs) : 0.0);
    coherence.mean += coherence.npmi.back() / static_cast<double>(top.k);
  }
  return coherence;
}

std::string formatted(const char* format, double value) {
  char text[40];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

// One line per component, largest share first: the share, the NPMI (with
// --coherence) and the listed rows with their weights.
std::string to_table(const TopRows& top, const Coherence* coherence) {
  std::ostringstream out;
  out << "component  share   " << (coherence ? "   npmi  " : "") << "top " << top.top
      << " rows: name (weight in the component)\n";
  for (const std::int64_t l : top.by_share) {
    out << std::setw(9) << l << "  " << formatted("%.4f", top.shares[l]) << "  ";
    if (coherence) out << formatted("%7.4f", coherence->npmi[l]) << "  ";
    for (std::int64_t t = 0; t < top.top; ++t) {
      const std::size_t at = static_cast<std::size_t>(l * top.top + t);
      out << (t ? ", " : "") << top.names[at] << " (" << formatted("%.4g", top.weights[at]) << ")";
    }
    out << "\n";
  }
  if (coherence) {
    out << "mean NPMI " << formatted("%.4f", coherence->mean) << " over " << top.k
        << " components (top " << top.top << " rows, co-occurrence in "
        << coherence->columns << " columns)\n";
  }
  return out.str();
}

std::string to_json(const TopOptions& options, const TopRows& top, const Coherence* coherence) {
  std::ostringstream out;
  out << "{\n  \"result\": " << io::json_string(options.result) << ",\n  \"rows\": " << top.rows
      << ",\n  \"k\": " << top.k << ",\n  \"top\": " << top.top << ",\n  \"components\": [";
  for (std::size_t c = 0; c < top.by_share.size(); ++c) {
    const std::int64_t l = top.by_share[c];
    out << (c ? "," : "") << "\n    {\"component\": " << l
        << ", \"share\": " << io::json_number(top.shares[l]);
    if (coherence) out << ", \"npmi\": " << io::json_number(coherence->npmi[l]);
    out << ", \"rows\": [";
    for (std::int64_t t = 0; t < top.top; ++t) {
      const std::size_t at = static_cast<std::size_t>(l * top.top + t);
      out << (t ? ", " : "") << "{\"row\": " << top.top_rows[at]
          << ", \"name\": " << io::json_string(top.names[at])
          << ", \"weight\": " << io::json_number(top.weights[at]) << "}";
    }
    out << "]}";
  }
  out << "\n  ]";
  if (coherence) {
    out << ",\n  \"mean_npmi\": " << io::json_number(coherence->mean)
        << ",\n  \"coherence_columns\": " << coherence->columns;
  }
  out << "\n}\n";
  return out.str();
}

}  // namespace

void run_top(const TopOptions& options) {
  io::silence_hdf5_errors();
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  if (!options.json.empty()) io::check_output_writable(MPI_COMM_WORLD, options.json, "--json");
  TopRows top;
  // W is m x k: rank 0 reads and ranks it; the others learn its outcome.
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank == 0) top = read_top_rows(options);
  });
  share_top_rows(top);
  std::optional<Coherence> coherence;
  if (options.coherence) coherence = coherence_of(top, options);
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    const Coherence* scores = coherence ? &*coherence : nullptr;
    if (!options.json.empty()) {
      io::write_text_file(options.json, to_json(options, top, scores), "--json");
    }
    if (!options.quiet) {
      std::cout << to_table(top, scores);
      if (!options.json.empty()) std::cout << "wrote " << options.json << "\n";
      std::cout.flush();
    }
  });
}

}  // namespace gridnmf::cli
