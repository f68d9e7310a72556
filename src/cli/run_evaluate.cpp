#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <vector>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/io/dataset_filters.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/text_output.hpp"
#include "gridnmf/unmix/evaluation.hpp"

namespace gridnmf::cli {

namespace {

// A file opened read-only by one rank with the default (serial) driver.
class SerialFile {
 public:
  SerialFile(const std::string& path, const std::string& option) : path_(path) {
    io::check_input_file(path, option);
    std::error_code missing;
    if (!std::filesystem::exists(path, missing)) {
      throw Error(option + " file '" + path + "' does not exist");
    }
    if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'" + path + "' is not an HDF5 file");
    file_ = io::Hdf5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                           "cannot open '" + path + "'");
  }

  bool has(const std::string& name) const {
    return H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
  }

  // A 2-D numeric dataset as doubles; throws naming the file and dataset.
  LocalMatrix<double> matrix(const std::string& name) const {
    const std::string where = path_ + ":/" + name;
    if (!has(name)) throw Error("dataset /" + name + " not found in '" + path_ + "'");
    io::Hdf5Handle data(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                        "'" + where + "' is not a dataset");
    io::check_filters_available(data.get(), where);
    io::Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
    if (H5Sget_simple_extent_ndims(space.get()) != 2) throw Error(where + " is not a 2-D matrix");
    hsize_t extent[2] = {0, 0};
    H5Sget_simple_extent_dims(space.get(), extent, nullptr);
    LocalMatrix<double> values(static_cast<std::int64_t>(extent[0]),
                               static_cast<std::int64_t>(extent[1]));
    io::check_hdf5(H5Dread(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           values.data()),
                   "cannot read " + where + " as numbers");
    for (double v : values.values) {
      if (!std::isfinite(v)) throw Error(where + " has NaN or infinite entries");
    }
    return values;
  }

  // A 1-D string dataset (fixed or variable length); empty when absent.
  std::vector<std::string> strings(const std::string& name) const {
    std::vector<std::string> names;
    if (!has(name)) return names;
    io::Hdf5Handle data(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                        "cannot open " + path_ + ":/" + name);
    io::check_filters_available(data.get(), path_ + ":/" + name);
    io::Hdf5Handle type(H5Dget_type(data.get()), H5Tclose, "cannot read a dataset type");
    io::Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read a dataset shape");
    if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_ndims(space.get()) != 1) {
      return names;
    }
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    io::Hdf5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create a string type");
    if (H5Tis_variable_str(type.get()) > 0) {
      H5Tset_size(memory.get(), H5T_VARIABLE);
      std::vector<char*> text(static_cast<std::size_t>(count), nullptr);
      io::check_hdf5(H5Dread(data.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                             text.data()),
                     "cannot read /" + name);
      for (char* item : text) names.emplace_back(item ? item : "");
      H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, text.data());
      return names;
    }
    const std::size_t width = H5Tget_size(type.get());
    H5Tset_size(memory.get(), width);
    H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
    std::vector<char> buffer(width * static_cast<std::size_t>(count), '\0');
    io::check_hdf5(H5Dread(data.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           buffer.data()),
                   "cannot read /" + name);
    for (hssize_t i = 0; i < count; ++i) {
      std::string item(buffer.data() + i * width, width);
      item.erase(item.find_last_not_of(std::string(" \0", 2)) + 1);
      names.push_back(item);
    }
    return names;
  }

 private:
  std::string path_;
  io::Hdf5Handle file_;
};

std::string shape_text(const LocalMatrix<double>& a) {
  return std::to_string(a.rows) + " x " + std::to_string(a.cols);
}

struct Inputs {
  LocalMatrix<double> w, h, w_true, h_true;
  bool has_h_true = false;
  std::vector<std::string> names;
};

// Reads both files and checks that their shapes agree; one-line errors.
Inputs read_inputs(const EvaluateOptions& options) {
  Inputs in;
  const SerialFile result(options.result, "--result");
  const SerialFile truth(options.truth, "--truth");
  in.w = result.matrix("W");
  in.h = result.matrix("H");
  const bool truth_is_result = !truth.has("W_true") && truth.has("W");
  const std::string w_name = truth_is_result ? "W" : "W_true";
  const std::string h_name = truth_is_result ? "H" : "H_true";
  in.w_true = truth.matrix(w_name);
  in.has_h_true = truth.has(h_name);
  if (in.has_h_true) in.h_true = truth.matrix(h_name);
  in.names = truth.strings("endmember_names");
  if (truth_is_result && in.has_h_true) {
    // A result as truth: its abundances get the same sum-to-one scaling.
    for (std::int64_t j = 0; j < in.h_true.cols; ++j) {
      double total = 0.0;
      for (std::int64_t e = 0; e < in.h_true.rows; ++e) total += in.h_true(e, j);
      for (std::int64_t e = 0; e < in.h_true.rows && total > 0.0; ++e) in.h_true(e, j) /= total;
    }
  }

  const std::string r = "result " + options.result;
  const std::string t = "truth " + options.truth;
  if (in.w.cols != in.h.rows) {
    throw Error(r + ": /W is " + shape_text(in.w) + " but /H is " + shape_text(in.h));
  }
  if (in.w.cols != in.w_true.cols) {
    throw Error("different number of endmembers: " + r + " has k = " + std::to_string(in.w.cols) +
                " (/W " + shape_text(in.w) + "), " + t + " has k = " +
                std::to_string(in.w_true.cols) + " (/" + w_name + " " + shape_text(in.w_true) + ")");
  }
  if (in.w.rows != in.w_true.rows) {
    throw Error("different number of bands: " + r + " /W is " + shape_text(in.w) + ", " + t +
                " /" + w_name + " is " + shape_text(in.w_true));
  }
  if (in.has_h_true && (in.h_true.rows != in.w_true.cols || in.h_true.cols != in.h.cols)) {
    throw Error("different number of pixels: " + r + " /H is " + shape_text(in.h) + ", " + t +
                " /" + h_name + " is " + shape_text(in.h_true));
  }
  if (!in.names.empty() && static_cast<std::int64_t>(in.names.size()) != in.w_true.cols) {
    in.names.clear();  // names that do not fit are not used
  }
  for (std::int64_t e = static_cast<std::int64_t>(in.names.size()); e < in.w_true.cols; ++e) {
    in.names.push_back("endmember " + std::to_string(e));
  }
  return in;
}

std::string json_string(const std::string& text) {
  std::ostringstream out;
  out << '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (c < 0x20) {
      out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << int(c) << std::dec;
    } else {
      out << c;
    }
  }
  out << '"';
  return out.str();
}

// A JSON number; NaN and infinity have none, so they are written as null.
std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

std::string to_json(const EvaluateOptions& options, const Inputs& in,
                    const unmix::UnmixingScores& scores) {
  std::ostringstream out;
  out << std::setprecision(17);
  out << "{\n  \"result\": " << json_string(options.result)
      << ",\n  \"truth\": " << json_string(options.truth) << ",\n  \"k\": " << in.w.cols
      << ",\n  \"bands\": " << in.w.rows << ",\n  \"pixels\": " << in.h.cols
      << ",\n  \"endmembers\": [";
  for (std::size_t t = 0; t < scores.sad.size(); ++t) {
    out << (t ? "," : "") << "\n    {\"name\": " << json_string(in.names[t])
        << ", \"estimate\": " << scores.estimate[t] << ", \"sad\": " << json_number(scores.sad[t])
        << "}";
  }
  out << "\n  ],\n  \"sad\": [";
  for (std::size_t t = 0; t < scores.sad.size(); ++t) {
    out << (t ? ", " : "") << json_number(scores.sad[t]);
  }
  out << "],\n  \"permutation\": [";
  for (std::size_t t = 0; t < scores.estimate.size(); ++t) {
    out << (t ? ", " : "") << scores.estimate[t];
  }
  out << "],\n  \"mean_sad\": " << json_number(scores.mean_sad)
      << ",\n  \"rmse\": " << (scores.rmse ? json_number(*scores.rmse) : "null");
  out << "\n}\n";
  return out.str();
}

std::string to_table(const Inputs& in, const unmix::UnmixingScores& scores) {
  std::size_t width = 10;
  for (const std::string& name : in.names) width = std::max(width, name.size());
  std::ostringstream out;
  out << std::left << std::setw(static_cast<int>(width)) << "endmember"
      << "  estimate  SAD (rad)  SAD (deg)\n";
  out << std::fixed;
  for (std::size_t t = 0; t < scores.sad.size(); ++t) {
    out << std::left << std::setw(static_cast<int>(width)) << in.names[t] << "  " << std::right
        << std::setw(8) << scores.estimate[t] << "  " << std::setw(9) << std::setprecision(4)
        << scores.sad[t] << "  " << std::setw(9) << std::setprecision(2)
        << scores.sad[t] * 180.0 / std::acos(-1.0) << "\n";
  }
  out << std::setprecision(4) << "mSAD " << scores.mean_sad << " rad";
  if (scores.rmse) {
    out << ", abundance RMSE " << *scores.rmse;
  } else {
    out << ", abundance RMSE n/a (truth has no abundances)";
  }
  out << "\n";
  return out.str();
}

}  // namespace

void run_evaluate(const EvaluateOptions& options) {
  io::silence_hdf5_errors();
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  if (!options.json.empty()) io::check_output_writable(MPI_COMM_WORLD, options.json, "--json");
  // k x n is small: rank 0 does the work; the others learn its outcome.
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (world_rank != 0) return;
    const Inputs in = read_inputs(options);
    const unmix::UnmixingScores scores =
        unmix::score_unmixing(in.w_true, in.w, in.has_h_true ? &in.h_true : nullptr, &in.h);
    if (!options.json.empty()) io::write_text_file(options.json, to_json(options, in, scores), "--json");
    if (!options.quiet) {
      std::cout << to_table(in, scores);
      if (!options.json.empty()) std::cout << "wrote " << options.json << "\n";
      std::cout.flush();
    }
  });
}

}  // namespace gridnmf::cli
