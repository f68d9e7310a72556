#include <mpi.h>

#include <filesystem>
#include <new>
#include <utility>

#include "convert_steps.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/bag_of_words_reader.hpp"
#include "gridnmf/io/csr_matrix.hpp"
#include "gridnmf/io/matrix_market_reader.hpp"
#include "gridnmf/io/name_files.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/name_list.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/sparse_hdf5_writer.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// A name file for one dimension and where it came from, for messages.
struct NameSource {
  std::string path;  // empty: no names for this dimension
  std::string origin;
};

NameSource choose_name_file(const std::string& option_value, const char* option,
                            const std::string& found) {
  if (!option_value.empty()) {
    // A FIFO or device would block the read: refused before it is opened.
    io::check_input_file(option_value, option);
    if (!std::filesystem::is_regular_file(option_value)) {
      throw UsageError(std::string(option) + " '" + option_value + "' does not exist");
    }
    return {option_value, option};
  }
  if (!found.empty()) io::check_input_file(found, std::string(option) + " (found beside the input)");
  return {found, "found beside the input"};
}

std::vector<std::string> read_names(const NameSource& source, std::int64_t expected,
                                    const char* dimension) {
  if (source.path.empty()) return {};
  std::vector<std::string> names = io::read_name_list(source.path);
  if (static_cast<std::int64_t>(names.size()) != expected) {
    throw Error("name file '" + source.path + "' (" + source.origin + ") has " +
                std::to_string(names.size()) + " lines, the matrix has " +
                std::to_string(expected) + " " + dimension);
  }
  return names;
}

std::string describe(const NameSource& source, const char* dimension) {
  if (source.path.empty()) return std::string("no ") + dimension + " names";
  return std::string(dimension) + " names from " + source.path + " (" + source.origin + ")";
}

// A size line with absurd dimensions fails here, not as a bare "std::bad_alloc".
io::CsrMatrix to_csr_or_explain(io::SparseTriplets&& triplets, const std::string& path) {
  const std::int64_t rows = triplets.rows, cols = triplets.cols, entries = triplets.size();
  try {
    return io::to_csr(std::move(triplets));
  } catch (const std::bad_alloc&) {
    throw Error("'" + path + "': rank 0 has not enough memory for a " + std::to_string(rows) +
                " x " + std::to_string(cols) + " matrix with " + std::to_string(entries) +
                " entries in CSR (8 bytes a row, 16 an entry)");
  }
}

// Integer counts as float64, for --precision float64.
void store_as_real(io::CsrMatrix& matrix) {
  if (matrix.value_type != io::SparseValueType::kInteger) return;
  matrix.real_values.assign(matrix.integer_values.begin(), matrix.integer_values.end());
  matrix.integer_values = {};
  matrix.value_type = io::SparseValueType::kReal;
}

// The two lines rank 0 prints after a conversion.
struct ConversionMessages {
  std::string names;
  std::string summary;
};

std::string summary_line(const io::SparseTextMatrix& text, const io::CsrMatrix& matrix,
                         const ConvertOptions& options) {
  std::string line = "converted " + text.description + ": " + std::to_string(matrix.rows) + " x " +
                     std::to_string(matrix.cols) + ", " + std::to_string(matrix.nonzeros()) +
                     " nonzeros";
  if (text.entries_in_file != matrix.nonzeros()) {
    line += " from " + std::to_string(text.entries_in_file) + " entries in the file";
  }
  return line + " -> " + options.output + ":/" + options.dataset + " as CSR " +
         io::to_string(matrix.value_type);
}

// Reads the matrix and its names, and writes `temporary_path`. Local (rank 0).
ConversionMessages convert_here(const ConvertOptions& options, io::TextMatrixFormat format,
                                const std::string& temporary_path) {
  const io::NameFiles found = io::find_name_files(options.input, format);
  const NameSource row_source = choose_name_file(options.row_names, "--row-names", found.rows);
  const NameSource col_source = choose_name_file(options.col_names, "--col-names", found.cols);
  std::vector<std::string> inputs = {options.input};
  for (const NameSource* source : {&row_source, &col_source}) {
    if (!source->path.empty()) inputs.push_back(source->path);
  }
  reject_output_equal_to_input(options.output, inputs);

  io::SparseTextMatrix text = format == io::TextMatrixFormat::kMatrixMarket
                                  ? io::read_matrix_market(options.input)
                                  : io::read_bag_of_words(options.input);
  io::CsrMatrix matrix = to_csr_or_explain(std::move(text.triplets), options.input);
  if (matrix.nonzeros() == 0) {
    throw Error("'" + options.input + "' has no nonzero entries (its " +
                std::to_string(text.entries_in_file) +
                " stored values are all 0): nothing to factorize");
  }
  if (options.precision == "float64") store_as_real(matrix);

  io::SparseFileExtras extras;
  extras.row_names = read_names(row_source, matrix.rows, "rows");
  extras.col_names = read_names(col_source, matrix.cols, "columns");
  extras.root_attributes = {{"source", text.description},
                            {"source_format", text.format},
                            {"gridnmf_version", std::string(kVersion)}};
  if (!row_source.path.empty()) extras.root_attributes["row_names_source"] = row_source.path;
  if (!col_source.path.empty()) extras.root_attributes["col_names_source"] = col_source.path;
  io::write_sparse_hdf5(temporary_path, options.dataset, matrix, extras);
  return {"names: " + describe(row_source, "row") + ", " + describe(col_source, "column"),
          summary_line(text, matrix, options)};
}

}  // namespace

void convert_sparse_text(const ConvertOptions& options, io::TextMatrixFormat format) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, 0);
  if (options.precision == "float32") {
    throw UsageError("--precision float32 is not available for " + io::to_string(format) +
                     " input: the sparse layout stores int64 or float64 (use keep or float64)");
  }
  if (options.dataset == "row_names" || options.dataset == "col_names") {
    throw UsageError("--dataset '" + options.dataset + "' is taken by the name list");
  }
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  io::AtomicOutput output(MPI_COMM_WORLD, options.output);
  ConversionMessages messages;
  // Rank 0 does all the work: gzip cannot be split, and parallel HDF5 1.10
  // cannot write the variable-length name strings.
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank == 0) messages = convert_here(options, format, output.temporary_path());
  });
  output.commit();
  printer.message(messages.names);
  printer.message(messages.summary);
}

}  // namespace gridnmf::cli
