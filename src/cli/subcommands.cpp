#include <mpi.h>

#include <iostream>
#include <string>
#include <vector>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/option_parsing.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

const char* kUsage =
    "gridnmf: distributed non-negative matrix factorization V ~= W H on a 2D process grid\n"
    "\n"
    "Usage: mpiexec -n P gridnmf <command> [options]\n"
    "\n"
    "Commands:\n"
    "  generate    write a synthetic V = W_true H_true (+ noise), or a hyperspectral scene, to HDF5\n"
    "  factorize   factorize the matrix in an HDF5 file and write W, H and the run record\n"
    "  unmix       hyperspectral unmixing: factorize with endmember start, sum-to-one and\n"
    "              minimum-volume terms; writes W (spectra), H (abundances), image shape\n"
    "  convert     write an ENVI image (.hdr + raw file) as HDF5 (/V bands x pixels, /wavelengths),\n"
    "              or a Matrix Market / UCI docword file as sparse CSR HDF5 (/V group, names)\n"
    "  evaluate    score a result against ground truth: SAD (Hungarian matching), mSAD, RMSE\n"
    "  pca         principal components of V's columns (distributed truncated SVD), written as /W, /H\n"
    "  images      a PNG of a result's components as images (tiles of W's columns, one colour bar),\n"
    "              optionally with a few images next to their reconstructions\n"
    "  top         each component's top rows (words, genes) by weight, with names, ordered by\n"
    "              share of the reconstruction; --coherence adds NPMI topic coherence\n"
    "  transform   keep a result's W fixed and solve H for new columns (new documents, cells)\n"
    "  select-rank sweep k with held-out entries and replicates; table of training error,\n"
    "              held-out error and stability, and a recommended k\n"
    "\n"
    "General options:\n"
    "  -h, --help     show this help (gridnmf <command> --help for a command's options)\n"
    "  --version      print the version\n"
    "\n"
    "Exit codes: 0 success, 1 runtime error (bad input, I/O, full disk; a write that\n"
    "               fails midway on one rank aborts all ranks with 1), 2 usage error,\n"
    "            3 internal error (all ranks aborted),\n"
    "            75 stopped by SIGTERM/SIGINT/SIGUSR1/SIGHUP after writing the checkpoint\n"
    "               (if any) and the current result; rerun with --resume to continue.\n";

}  // namespace

int run_command_line(int argc, char** argv) {
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  const bool print = world_rank == 0;
  if (argc < 2) throw UsageError("no command given; run 'gridnmf --help'");
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);

  if (command == "--help" || command == "-h" || command == "help") {
    if (print) std::cout << kUsage;
    return 0;
  }
  if (command == "--version") {
    if (print) std::cout << "gridnmf " << kVersion << "\n";
    return 0;
  }
  if (command == "generate") {
    if (const auto options = parse_generate(args, print)) run_generate(*options);
    return 0;
  }
  if (command == "unmix") {
    if (const auto options = parse_unmix(args, print)) run_unmix(*options);
    return 0;
  }
  if (command == "factorize") {
    if (const auto options = parse_factorize(args, print)) run_factorize(*options);
    return 0;
  }
  if (command == "select-rank") {
    if (const auto options = parse_select_rank(args, print)) run_select_rank(*options);
    return 0;
  }
  if (command == "convert") {
    if (const auto options = parse_convert(args, print)) run_convert(*options);
    return 0;
  }
  if (command == "top") {
    if (const auto options = parse_top(args, print)) run_top(*options);
    return 0;
  }
  if (command == "transform") {
    if (const auto options = parse_transform(args, print)) run_transform(*options);
    return 0;
  }
  if (command == "pca") {
    if (const auto options = parse_pca(args, print)) run_pca(*options);
    return 0;
  }
  if (command == "images") {
    if (const auto options = parse_images(args, print)) run_images(*options);
    return 0;
  }
  if (command == "evaluate") {
    if (const auto options = parse_evaluate(args, print)) run_evaluate(*options);
    return 0;
  }
  throw UsageError("unknown command '" + command + "'; run 'gridnmf --help'");
}

}  // namespace gridnmf::cli
