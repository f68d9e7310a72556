#include "gridnmf/io/rank_table_file.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/hdf5_handle.hpp"

namespace gridnmf::io {

namespace {

// A float64 dataset of `rows` values, or rows x cols when cols > 0.
void write_doubles(hid_t file, const char* name, const std::vector<double>& values,
                   std::int64_t rows, std::int64_t cols, const std::string& what) {
  const hsize_t extent[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  Hdf5Handle space(H5Screate_simple(cols > 0 ? 2 : 1, extent, nullptr), H5Sclose, what);
  Hdf5Handle data(H5Dcreate2(file, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT),
                  H5Dclose, what);
  check_hdf5(H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
             what);
}

void write_hdf5(const std::string& path, const std::vector<selection::RankRow>& rows,
                const std::vector<selection::SweepCell>& cells, const RankTableRecord& record) {
  const std::string what = "cannot write --output '" + path + "'";
  const std::int64_t nk = static_cast<std::int64_t>(rows.size());
  const int replicates = record.replicates;
  Hdf5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                  what);
  const auto column = [&](const char* name, auto field) {
    std::vector<double> values;
    for (const selection::RankRow& row : rows) values.push_back(field(row));
    write_doubles(file.get(), name, values, nk, 0, what);
  };
  using Row = selection::RankRow;
  column("k", [](const Row& r) { return static_cast<double>(r.k); });
  column("train_error_mean", [](const Row& r) { return r.train_mean; });
  column("train_error_sd", [](const Row& r) { return r.train_sd; });
  column("heldout_error_mean", [](const Row& r) { return r.heldout_mean; });
  column("heldout_error_sd", [](const Row& r) { return r.heldout_sd; });
  column("heldout_error_se", [](const Row& r) { return r.heldout_se; });
  column("stability", [](const Row& r) { return r.stability; });
  std::vector<double> train(static_cast<size_t>(nk * replicates)), heldout(train.size());
  std::vector<double> iterations(train.size());
  for (const selection::SweepCell& cell : cells) {
    std::int64_t index = 0;
    while (rows[index].k != cell.k) ++index;
    const std::size_t at = static_cast<std::size_t>(index * replicates + cell.replicate);
    train[at] = cell.train_error;
    heldout[at] = cell.heldout_error;
    iterations[at] = cell.iterations;
  }
  write_doubles(file.get(), "train_error", train, nk, replicates, what);
  write_doubles(file.get(), "heldout_error", heldout, nk, replicates, what);
  write_doubles(file.get(), "iterations", iterations, nk, replicates, what);
  write_attribute(file.get(), "recommended_k", record.recommendation.k);
  write_attribute(file.get(), "rule", record.recommendation.rule);
  write_attribute(file.get(), "min_stability", record.min_stability);
  write_attribute(file.get(), "replicates", static_cast<std::int64_t>(replicates));
  write_attribute(file.get(), "holdout", record.holdout);
  write_attribute(file.get(), "options", record.options);
  file.close(what + " (disk full?)");
}

void write_csv(const std::string& path, const std::vector<selection::RankRow>& rows,
               const RankTableRecord& record) {
  std::ofstream out(path);
  out << "k,replicates,train_error_mean,train_error_sd,heldout_error_mean,heldout_error_sd,"
         "heldout_error_se,stability,recommended\n";
  out.precision(10);
  for (const selection::RankRow& row : rows) {
    out << row.k << ',' << row.replicates << ',' << row.train_mean << ',' << row.train_sd << ','
        << row.heldout_mean << ',' << row.heldout_sd << ',' << row.heldout_se << ','
        << row.stability << ',' << (row.k == record.recommendation.k ? 1 : 0) << '\n';
  }
  out.close();
  if (!out) throw Error("cannot write '" + path + "' (disk full?)");
}

}  // namespace

void write_rank_table(const std::string& h5_path, const std::string& csv_path,
                      const std::vector<selection::RankRow>& rows,
                      const std::vector<selection::SweepCell>& cells,
                      const RankTableRecord& record) {
  // The pid keeps two writers (a repeated merge step) apart.
  const std::string h5_temporary = h5_path + ".tmp" + std::to_string(getpid());
  const std::string csv_temporary = csv_path + ".tmp" + std::to_string(getpid());
  try {
    write_hdf5(h5_temporary, rows, cells, record);
    write_csv(csv_temporary, rows, record);
    if (std::rename(h5_temporary.c_str(), h5_path.c_str()) != 0 ||
        std::rename(csv_temporary.c_str(), csv_path.c_str()) != 0) {
      throw Error("cannot write --output '" + h5_path + "': cannot rename it into place");
    }
  } catch (...) {
    std::remove(h5_temporary.c_str());
    std::remove(csv_temporary.c_str());
    throw;
  }
}

}  // namespace gridnmf::io
