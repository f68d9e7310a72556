#include "gridnmf/comm/agreement.hpp"

#include <climits>
#include <exception>
#include <string>

#include "gridnmf/error.hpp"
#include "gridnmf/mpi/error.hpp"
#include "traffic_recording.hpp"

namespace gridnmf::comm {

namespace {
enum FailureKind : int { kNone = 0, kRuntime = 1, kUsage = 2 };
}

void agree_on_failure(MPI_Comm comm, const std::function<void()>& work) {
  int kind = kNone;
  std::string message;
  try {
    work();
  } catch (const UsageError& e) {
    kind = kUsage;
    message = e.what();
  } catch (const std::exception& e) {
    kind = kRuntime;
    message = e.what();
  }

  int me = 0;
  MPI_Comm_rank(comm, &me);
  int first_failed = kind == kNone ? INT_MAX : me;
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &first_failed, 1, MPI_INT, MPI_MIN, comm));
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size > 1) record_traffic(Collective::kAllreduce, sizeof(int), sizeof(int));
  if (first_failed == INT_MAX) return;

  int header[2] = {kind, static_cast<int>(message.size())};
  GRIDNMF_MPI_CHECK(MPI_Bcast(header, 2, MPI_INT, first_failed, comm));
  message.resize(static_cast<size_t>(header[1]));
  GRIDNMF_MPI_CHECK(MPI_Bcast(message.data(), header[1], MPI_CHAR, first_failed, comm));
  if (header[0] == kUsage) throw UsageError(message);
  throw Error(message);
}

}  // namespace gridnmf::comm
