#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"

namespace gridnmf::perf {

// What the report says of a sparse input: the stored nonzeros, the block
// balance (max / mean nonzeros per rank) with the permutation used and in
// the input's own order, and the largest CSR block. Replicated.
struct SparseInputFacts {
  std::int64_t nonzeros = 0;
  bool permuted = false;
  double imbalance = 0.0;
  double unpermuted_imbalance = 0.0;
  std::int64_t max_block_bytes = 0;
};

// The facts of a run the report states besides the measured phases, traffic
// and memory. Replicated except the two times, which are this rank's.
struct RunFacts {
  std::string command;  // "factorize", "unmix"
  GridShape grid;
  std::int64_t rows = 0;  // m
  std::int64_t cols = 0;  // n
  std::int64_t rank = 0;  // k
  std::string precision;
  std::string algorithm;
  std::string loss;
  int iterations = 0;           // as stored in the output file
  double total_seconds = 0.0;   // this rank's time since the command started
  double flops_per_iteration = 0.0;
  double model_bytes_per_iteration = 0.0;  // traffic_model.hpp
  SparseInputFacts sparse;                 // nonzeros == 0 for dense input
};

// Per-rank measurements the report reduces to min/avg/max over ranks.
struct RankMeasurements {
  PhaseTimes phases;
  LoopRecord loop;
  std::int64_t peak_rss_bytes = 0;
};

// This process's accumulated phases, loop record and peak RSS.
RankMeasurements current_measurements();

// The report as JSON text on rank 0 of `comm` ("" elsewhere): the facts plus
// min/avg/max over ranks of every phase, of communication_seconds (gram +
// allgather + reduce_scatter), of the bytes per iteration each rank sent and
// received per collective and in total, and of the peak RSS. loop_seconds is
// the slowest rank's time in the iteration loops (mine.loop); per-iteration
// figures divide by the iterations those loops ran. Collective over `comm`.
std::string run_report_json(MPI_Comm comm, const RunFacts& facts, const RankMeasurements& mine);

// Writes run_report_json(comm, facts, current_measurements()) to `path` from
// rank 0, under a temporary name renamed into place. Collective over `comm`;
// throws Error on every rank if the file cannot be written.
void write_run_report(MPI_Comm comm, const std::string& path, const RunFacts& facts);

}  // namespace gridnmf::perf
