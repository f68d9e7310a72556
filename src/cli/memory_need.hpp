#pragma once

// The per-rank memory of factorize, unmix and generate, estimated from the
// problem's size before anything large is allocated. Private to cli/.
#include <cstdint>
#include <optional>

#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/perf/memory_budget.hpp"

namespace gridnmf::cli {

struct ProblemSize {
  std::int64_t rows = 0, cols = 0, rank = 0;
  std::int64_t element_bytes = 8;
  std::int64_t nonzeros = -1;         // stored nonzeros of sparse V; -1 when dense
  std::optional<GridShape> grid;      // --grid, for the run's own rank count
};

// The biggest rank's need on `ranks` ranks: its dense block (or about
// 2 (nnz / p) entries of value and column index for a sparse one: the
// block and the read's buffers), and the driver's factor buffers
// (2 (m_i + n_j) k + 3 (m + n) k / p entries). Infinite when no grid of
// `ranks` fits the matrix. Pure.
perf::MemoryNeed factorization_need(const ProblemSize& size, int ranks, int run_ranks);

// The same for generate: the V block and the true factors' pieces (double).
perf::MemoryNeed generation_need(const ProblemSize& size, int ranks);

}  // namespace gridnmf::cli
