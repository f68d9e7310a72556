#include "gridnmf/mpi/error.hpp"

#include <stdexcept>
#include <string>

namespace gridnmf::mpi {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI call failed: ") + call + ": " +
                           std::string(text, static_cast<size_t>(length)));
}

}  // namespace gridnmf::mpi
