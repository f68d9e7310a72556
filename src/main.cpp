// gridnmf: distributed non-negative matrix factorization on a 2D process grid.
#include <cstdio>
#include <exception>
#include <string>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/printable_text.hpp"
#include "gridnmf/mpi/environment.hpp"

namespace {

// Messages quote file contents and names: printed escaped, on one line.
std::string printable(const char* message) {
  return gridnmf::io::printable_excerpt(message, 4000);
}

}  // namespace

int main(int argc, char** argv) {
  gridnmf::mpi::Environment environment(argc, argv);
  const bool print = environment.world_rank() == 0;
  try {
    return gridnmf::cli::run_command_line(argc, argv);
  } catch (const gridnmf::Interrupted& e) {
    if (print) std::fprintf(stderr, "gridnmf: %s\n", printable(e.what()).c_str());
    return gridnmf::kExitInterrupted;
  } catch (const gridnmf::UsageError& e) {
    // Replicated or agreed: every rank is here with the same message.
    if (print) std::fprintf(stderr, "gridnmf: error: %s\n", printable(e.what()).c_str());
    return 2;
  } catch (const gridnmf::Error& e) {
    if (print) std::fprintf(stderr, "gridnmf: error: %s\n", printable(e.what()).c_str());
    return 1;
  } catch (const std::exception& e) {
    // Not agreed with the other ranks: they may be waiting in a collective.
    std::fprintf(stderr, "gridnmf: internal error on rank %d: %s\n", environment.world_rank(),
                 printable(e.what()).c_str());
    gridnmf::mpi::abort_all(3);
  }
}
