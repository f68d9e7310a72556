#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf::io {

// What the output file records about a run besides W, H and the history.
struct RunDescription {
  std::string algorithm;
  std::string loss;
  std::string precision;
  std::int64_t seed = 0;
  std::string input;
  std::string dataset;
  std::string options;  // the full option set, one "key = value" per line
  std::string normalization = "none";  // --normalize applied to V after the read
  std::vector<double> row_idf;  // tfidf: the idf of each row (input order), written as /idf
  // Further root attributes (KL: explained_deviance, objective_per_nonzero).
  std::vector<std::pair<std::string, double>> extra_attributes;
  double elapsed_seconds = 0.0;
  double init_seconds = 0.0;  // computing the start of the kept run
  // Every restart's seed and final objective, in the order run.
  std::vector<std::int64_t> restart_seeds;
  std::vector<double> restart_objectives;
  // The input's row and column names (genes, words; cells, documents),
  // written as /row_names and /col_names when not empty. Replicated.
  std::vector<std::string> row_names;
  std::vector<std::string> col_names;
  // Called inside the output file after the standard layout (root group,
  // `writer` true on the one rank that writes small datasets), for what a
  // command adds, e.g. unmix's image shape and wavelengths. Collective.
  std::function<void(hid_t file, bool writer)> write_extra;
  // Names of the three dimensions (rows of W, k, columns of H), written as
  // HDF5 dimension scales /<name> (0-based indices) attached to /W and /H, so
  // xarray, h5py and netCDF tools show them.
  std::string row_dimension = "feature";
  std::string rank_dimension = "component";
  std::string col_dimension = "sample";
};

// Writes /history/ (iteration, relative_error, objective, seconds) into an
// open parallel file; rank `is_writer` writes the values, the others join the
// collective calls. Collective over the file's communicator.
void write_history(hid_t file, const std::vector<IterationRecord>& history, bool is_writer);

// Reads /history/ back, on every rank (independent reads of small arrays).
std::vector<IterationRecord> read_history(hid_t file);

// Writes /W (m x k), /H (k x n), the root attributes and /history/ to `path`
// through a temporary file renamed into place when complete (DESIGN.md 4);
// `before_commit` runs just before the rename (the --report, so a run whose
// report fails leaves no result either). Failures as in write_hdf5_output.
// Collective over grid.all().
template <typename T>
void write_result(const ProcessGrid& grid, const Distribution& dist, const std::string& path,
                  const RunDescription& run, const Factorization<T>& result,
                  const std::function<void()>& before_commit = {});

}  // namespace gridnmf::io
