#include "gridnmf/io/result_writer.hpp"

#include <hdf5_hl.h>
#include "gridnmf/io/vector_dataset.hpp"

#include <vector>

#include "gridnmf/comm/component_share.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::io {

namespace {

// A 1-D dataset written by rank 0 alone; the other ranks join the collective
// calls with empty selections.
template <typename V>
void write_history_column(hid_t group, const std::string& name, hid_t file_type,
                          hid_t memory_type, const std::vector<V>& values, bool is_writer) {
  const hsize_t extent[1] = {values.size()};
  Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe " + name);
  Hdf5Handle data(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, "cannot create history dataset " + name);
  Hdf5Handle memory(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe " + name);
  if (!is_writer || values.empty()) {
    H5Sselect_none(space.get());
    H5Sselect_none(memory.get());
  }
  Hdf5Handle transfer = collective_transfer();
  check_hdf5(H5Dwrite(data.get(), memory_type, memory.get(), space.get(), transfer.get(),
                      values.data()),
             "cannot write history dataset " + name);
}

}  // namespace

void write_history(hid_t file, const std::vector<IterationRecord>& history, bool is_writer) {
  Hdf5Handle group(H5Gcreate2(file, "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose, "cannot create group /history");
  std::vector<std::int64_t> iteration;
  std::vector<double> relative_error, objective, seconds;
  for (const IterationRecord& record : history) {
    iteration.push_back(record.iteration);
    relative_error.push_back(record.relative_error);
    objective.push_back(record.objective);
    seconds.push_back(record.seconds);
  }
  write_history_column(group.get(), "iteration", H5T_STD_I64LE, H5T_NATIVE_INT64, iteration,
                       is_writer);
  write_history_column(group.get(), "relative_error", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                       relative_error, is_writer);
  write_history_column(group.get(), "objective", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, objective,
                       is_writer);
  write_history_column(group.get(), "seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, seconds,
                       is_writer);
}

namespace {

template <typename V>
std::vector<V> read_history_column(hid_t group, const std::string& name, hid_t memory_type) {
  Hdf5Handle data(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose,
                  "history dataset " + name + " is missing");
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + name);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw Error("history " + name + " is not 1-D");
  hsize_t extent = 0;
  H5Sget_simple_extent_dims(space.get(), &extent, nullptr);
  std::vector<V> values(static_cast<size_t>(extent));
  if (extent > 0) {
    check_hdf5(H5Dread(data.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
               "cannot read history dataset " + name);
  }
  return values;
}

}  // namespace

std::vector<IterationRecord> read_history(hid_t file) {
  Hdf5Handle group(H5Gopen2(file, "history", H5P_DEFAULT), H5Gclose, "group /history is missing");
  const auto iteration = read_history_column<std::int64_t>(group.get(), "iteration", H5T_NATIVE_INT64);
  const auto error = read_history_column<double>(group.get(), "relative_error", H5T_NATIVE_DOUBLE);
  const auto objective = read_history_column<double>(group.get(), "objective", H5T_NATIVE_DOUBLE);
  const auto seconds = read_history_column<double>(group.get(), "seconds", H5T_NATIVE_DOUBLE);
  if (error.size() != iteration.size() || objective.size() != iteration.size() ||
      seconds.size() != iteration.size()) {
    throw Error("the /history/ arrays differ in length");
  }
  std::vector<IterationRecord> history(iteration.size());
  for (size_t i = 0; i < history.size(); ++i) {
    history[i] = {static_cast<int>(iteration[i]), error[i], objective[i], seconds[i]};
  }
  return history;
}

namespace {

template <typename T>
void write_run_attributes(hid_t file, const ProcessGrid& grid, const RunDescription& run,
                          const Factorization<T>& result) {
  write_attribute(file, "algorithm", run.algorithm);
  write_attribute(file, "loss", run.loss);
  write_attribute(file, "rank", static_cast<std::int64_t>(result.w_own.cols));
  write_attribute(file, "iterations", static_cast<std::int64_t>(result.iterations));
  write_attribute(file, "relative_error", result.relative_error);
  write_attribute(file, "objective", result.objective);
  write_attribute(file, "converged", static_cast<std::int64_t>(result.converged() ? 1 : 0));
  write_attribute(file, "stop_reason", to_string(result.stop_reason));
  write_attribute(file, "seed", run.seed);
  write_attribute(file, "grid", grid.shape().to_string());
  write_attribute(file, "elapsed_seconds", run.elapsed_seconds);
  write_attribute(file, "gridnmf_version", std::string(kVersion));
  write_attribute(file, "precision", run.precision);
  write_attribute(file, "input", run.input);
  write_attribute(file, "dataset", run.dataset);
  write_attribute(file, "options", run.options);
  write_attribute(file, "normalize", run.normalization);
  for (const auto& [name, value] : run.extra_attributes) write_attribute(file, name, value);
  write_attribute(file, "init_seconds", run.init_seconds);
  write_attribute(file, "restarts", static_cast<std::int64_t>(run.restart_seeds.size()));
}

// /restarts/seed and /restarts/objective: one entry per start, in run order.
void write_restarts(hid_t file, const RunDescription& run, bool is_writer) {
  Hdf5Handle group(H5Gcreate2(file, "restarts", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose, "cannot create group /restarts");
  write_history_column(group.get(), "seed", H5T_STD_I64LE, H5T_NATIVE_INT64, run.restart_seeds,
                       is_writer);
  write_history_column(group.get(), "objective", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                       run.restart_objectives, is_writer);
}

// Dimension scales: /<name> holding 0..length-1, marked as a scale and
// attached to the dimensions of /W and /H it indexes, each dimension also
// labelled. Collective (every rank makes the same metadata calls).
void write_dimension_scales(hid_t file, hid_t w, hid_t h, const RunDescription& run,
                            std::int64_t rows, std::int64_t k, std::int64_t cols, bool is_writer) {
  const struct {
    const std::string& name;
    std::int64_t length;
  } dimensions[3] = {{run.row_dimension, rows}, {run.rank_dimension, k}, {run.col_dimension, cols}};
  Hdf5Handle scales[3];
  for (int d = 0; d < 3; ++d) {
    std::vector<std::int64_t> index;
    if (is_writer) {
      index.resize(static_cast<std::size_t>(dimensions[d].length));
      for (std::int64_t i = 0; i < dimensions[d].length; ++i) index[static_cast<std::size_t>(i)] = i;
    }
    const hsize_t extent[1] = {static_cast<hsize_t>(dimensions[d].length)};
    Hdf5Handle space(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe a scale");
    scales[d] = Hdf5Handle(H5Dcreate2(file, dimensions[d].name.c_str(), H5T_STD_I64LE,
                                      space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           H5Dclose, "cannot create dimension scale /" + dimensions[d].name);
    Hdf5Handle memory(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe a scale");
    if (!is_writer) {
      H5Sselect_none(space.get());
      H5Sselect_none(memory.get());
    }
    Hdf5Handle transfer = collective_transfer();
    check_hdf5(H5Dwrite(scales[d].get(), H5T_NATIVE_INT64, memory.get(), space.get(),
                        transfer.get(), index.data()),
               "cannot write dimension scale /" + dimensions[d].name);
    check_hdf5(H5DSset_scale(scales[d].get(), dimensions[d].name.c_str()),
               "cannot make /" + dimensions[d].name + " a dimension scale");
  }
  const struct {
    hid_t dataset;
    unsigned axis;
    int scale;
  } attachments[4] = {{w, 0, 0}, {w, 1, 1}, {h, 0, 1}, {h, 1, 2}};
  for (const auto& a : attachments) {
    check_hdf5(H5DSattach_scale(a.dataset, scales[a.scale].get(), a.axis),
               "cannot attach dimension scale /" + dimensions[a.scale].name);
    check_hdf5(H5DSset_label(a.dataset, a.axis, dimensions[a.scale].name.c_str()),
               "cannot label a dimension of /W or /H");
  }
}

// Bytes of a fixed-length string dataset of these names (as written).
std::int64_t names_bytes(const std::vector<std::string>& names) {
  std::size_t width = 1;
  for (const std::string& name : names) width = std::max(width, name.size());
  return static_cast<std::int64_t>(width * names.size());
}

}  // namespace

template <typename T>
void write_result(const ProcessGrid& grid, const Distribution& dist, const std::string& path,
                  const RunDescription& run, const Factorization<T>& result,
                  const std::function<void()>& before_commit) {
  const std::int64_t k = result.w_own.cols;
  // Before the file opens: a collective of its own, outside the write.
  const std::vector<double> shares = comm::component_shares(grid, result.w_own, result.ht_own);
  Hdf5Output output;
  output.path = path;
  output.what = "result";
  output.payload_bytes = (dist.rows() + dist.cols()) * k * static_cast<std::int64_t>(sizeof(T)) +
                         (dist.rows() + dist.cols() + k) * 8 +  // the dimension scales
                         static_cast<std::int64_t>(result.history.size()) * 32 +
                         names_bytes(run.row_names) + names_bytes(run.col_names) +
                         static_cast<std::int64_t>(run.row_idf.size() * sizeof(double));
  output.before_commit = before_commit;
  write_hdf5_output(grid.all(), output, [&](hid_t file) {
    Hdf5Handle w = create_matrix_dataset<T>(file, "W", dist.rows(), k);
    write_w_rows(w.get(), dist.owned_w_rows(grid.row(), grid.col()), result.w_own);
    Hdf5Handle h = create_matrix_dataset<T>(file, "H", k, dist.cols());
    write_h_cols(h.get(), dist.owned_h_cols(grid.row(), grid.col()), result.ht_own);
    write_dimension_scales(file, w.get(), h.get(), run, dist.rows(), k, dist.cols(),
                           grid.rank() == 0);
    write_run_attributes(file, grid, run, result);
    write_history(file, result.history, grid.rank() == 0);
    write_restarts(file, run, grid.rank() == 0);
    write_vector_dataset(file, "component_share", shares, grid.rank() == 0);
    if (!run.row_idf.empty()) write_vector_dataset(file, "idf", run.row_idf, grid.rank() == 0);
    if (!run.row_names.empty()) {
      write_string_dataset(file, "row_names", run.row_names, grid.rank() == 0);
    }
    if (!run.col_names.empty()) {
      write_string_dataset(file, "col_names", run.col_names, grid.rank() == 0);
    }
    if (run.write_extra) run.write_extra(file, grid.rank() == 0);
  });
}

template void write_result<double>(const ProcessGrid&, const Distribution&, const std::string&,
                                   const RunDescription&, const Factorization<double>&,
                                   const std::function<void()>&);
template void write_result<float>(const ProcessGrid&, const Distribution&, const std::string&,
                                  const RunDescription&, const Factorization<float>&,
                                  const std::function<void()>&);

}  // namespace gridnmf::io
