// MatrixSource for a sparse matrix in an HDF5 group (gridnmf/scipy CSR or
// CSC, 10x Genomics, AnnData): the layout is inspected on open, the block is
// read by read_sparse_block, the names come from the flavour's datasets.
#include <hdf5.h>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "source_impl.hpp"

namespace gridnmf::io {

namespace {

class SparseHdf5Source : public MatrixSource::Impl {
 public:
  SparseHdf5Source(MPI_Comm comm, std::string path, Hdf5Handle file, SparseLayout layout)
      : comm_(comm), path_(std::move(path)), file_(std::move(file)), layout_(std::move(layout)) {
    shape = {layout_.rows, layout_.cols};
    comm::agree_on_failure(comm_, [&] {
      // Names that do not match the shape are left out, as other metadata is.
      metadata.row_names = names_of_length(layout_.row_names, layout_.rows);
      metadata.col_names = names_of_length(layout_.col_names, layout_.cols);
    });
  }

  std::string format() const override { return layout_.flavour; }
  std::string description() const override { return path_ + ":/" + layout_.group; }
  std::string stored_type() const override { return layout_.value_type; }
  std::vector<std::string> files() const override { return {path_}; }
  bool is_sparse() const override { return true; }
  bool samples_by_features() const override { return layout_.samples_by_features; }
  std::int64_t stored_nonzeros() const override { return layout_.nonzeros; }

  LocalMatrix<double> read_double(const IndexRange&, const IndexRange&) override {
    throw std::logic_error("a sparse source has no dense blocks");
  }
  LocalMatrix<float> read_float(const IndexRange&, const IndexRange&) override {
    throw std::logic_error("a sparse source has no dense blocks");
  }
  SparseBlock<double> read_sparse_double(const SparseTarget& target,
                                         SparseReadReport& report) override {
    return read_sparse_block<double>(comm_, file_.get(), path_, layout_, target, report);
  }
  SparseBlock<float> read_sparse_float(const SparseTarget& target,
                                       SparseReadReport& report) override {
    return read_sparse_block<float>(comm_, file_.get(), path_, layout_, target, report);
  }
  void close() override {
    comm::agree_on_failure(comm_, [&] { file_.close("cannot close " + path_); });
  }

 private:
  std::vector<std::string> names_of_length(const std::string& dataset, std::int64_t count) {
    if (dataset.empty()) return {};
    std::vector<std::string> names = read_string_dataset(file_.get(), dataset);
    if (static_cast<std::int64_t>(names.size()) != count) {
      metadata.notes.push_back("ignored /" + dataset + ": " + std::to_string(names.size()) +
                               " names for " + std::to_string(count) + " entries");
      names.clear();
    }
    return names;
  }

  MPI_Comm comm_;
  std::string path_;
  Hdf5Handle file_;
  SparseLayout layout_;
};

}  // namespace

std::unique_ptr<MatrixSource::Impl> open_sparse_hdf5_source(MPI_Comm comm, const std::string& path,
                                                            Hdf5Handle file, SparseLayout layout) {
  return std::make_unique<SparseHdf5Source>(comm, path, std::move(file), std::move(layout));
}

}  // namespace gridnmf::io
