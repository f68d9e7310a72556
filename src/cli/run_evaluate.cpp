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
#include "gridnmf/io/json_text.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/io/serial_file.hpp"
#include "gridnmf/io/text_output.hpp"
#include "gridnmf/unmix/evaluation.hpp"

namespace gridnmf::cli {

namespace {

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
  const io::SerialFile result(options.result, "--result");
  const io::SerialFile truth(options.truth, "--truth");
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

std::string to_json(const EvaluateOptions& options, const Inputs& in,
                    const unmix::UnmixingScores& scores) {
  std::ostringstream out;
  out << std::setprecision(17);
  out << "{\n  \"result\": " << io::json_string(options.result)
      << ",\n  \"truth\": " << io::json_string(options.truth) << ",\n  \"k\": " << in.w.cols
      << ",\n  \"bands\": " << in.w.rows << ",\n  \"pixels\": " << in.h.cols
      << ",\n  \"endmembers\": [";
  for (std::size_t t = 0; t < scores.sad.size(); ++t) {
    out << (t ? "," : "") << "\n    {\"name\": " << io::json_string(in.names[t])
        << ", \"estimate\": " << scores.estimate[t]
        << ", \"sad\": " << io::json_number(scores.sad[t])
        << "}";
  }
  out << "\n  ],\n  \"sad\": [";
  for (std::size_t t = 0; t < scores.sad.size(); ++t) {
    out << (t ? ", " : "") << io::json_number(scores.sad[t]);
  }
  out << "],\n  \"permutation\": [";
  for (std::size_t t = 0; t < scores.estimate.size(); ++t) {
    out << (t ? ", " : "") << scores.estimate[t];
  }
  out << "],\n  \"mean_sad\": " << io::json_number(scores.mean_sad)
      << ",\n  \"rmse\": " << (scores.rmse ? io::json_number(*scores.rmse) : "null");
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
