#include "gridnmf/io/sparse_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/exchange.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/dataset_filters.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/local/sparse_assembly.hpp"
#include "gridnmf/mpi/error.hpp"

namespace gridnmf::io {

namespace {

// Entries [begin, begin + count) of a 1-D dataset, converted to `memory_type`
// by HDF5; an independent read by the calling rank. Its metadata reads (the
// chunk index of a compressed dataset) are independent too: the file is
// opened with collective metadata reads, which ranks reading different
// chunks must not use.
void read_slice(hid_t file, const std::string& name, hid_t memory_type, std::int64_t begin,
                std::int64_t count, void* out, const std::string& where) {
  Hdf5Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "cannot create an access list");
  check_hdf5(H5Pset_all_coll_metadata_ops(access.get(), false),
             "cannot make metadata reads independent");
  Hdf5Handle data(H5Dopen2(file, name.c_str(), access.get()), H5Dclose, "cannot open " + where);
  check_filters_available(data.get(), where);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose, "cannot read the shape of " + where);
  const hsize_t start[1] = {static_cast<hsize_t>(begin)};
  const hsize_t extent[1] = {static_cast<hsize_t>(count)};
  if (count == 0) {
    H5Sselect_none(space.get());
  } else {
    check_hdf5(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, extent, nullptr),
               "cannot select part of " + where);
  }
  Hdf5Handle memory(H5Screate_simple(1, extent, nullptr), H5Sclose, "cannot describe " + where);
  if (count == 0) H5Sselect_none(memory.get());
  check_hdf5(H5Dread(data.get(), memory_type, memory.get(), space.get(), H5P_DEFAULT, out),
             "cannot read " + where + " (truncated or corrupt file?)");
}

// The stored entries [begin, end) of one major index (a row of a CSR file,
// a column of a CSC file) that fall in one rank's slice of the nonzeros.
struct Segment {
  std::int64_t major;
  std::int64_t begin;
  std::int64_t end;
};

using local::SparseEntry;

// Reads and checks this rank's slice of indptr (the majors of
// block_range(majors, ranks, rank), with one overlapping entry so that the
// ranks' checks together cover every step).
std::vector<std::int64_t> read_indptr_slice(MPI_Comm comm, hid_t file, const std::string& path,
                                            const SparseLayout& layout, const IndexRange& majors,
                                            bool first, bool last) {
  const std::string where = path + ":/" + layout.group + "/indptr";
  std::vector<std::int64_t> indptr(static_cast<std::size_t>(majors.size + 1));
  comm::agree_on_failure(comm, [&] {
    read_slice(file, layout.group + "/indptr", H5T_NATIVE_INT64, majors.begin, majors.size + 1,
               indptr.data(), where);
    if (first && indptr.front() != 0) {
      throw Error(where + " must start at 0, not " + std::to_string(indptr.front()));
    }
    for (std::int64_t t = 0; t <= majors.size; ++t) {
      if (indptr[t] < 0 || indptr[t] > layout.nonzeros) {
        throw Error(where + "[" + std::to_string(majors.begin + t) + "] = " +
                    std::to_string(indptr[t]) + " is outside 0.." +
                    std::to_string(layout.nonzeros) + " (the number of values)");
      }
      if (t > 0 && indptr[t] < indptr[t - 1]) {
        throw Error(where + " decreases at position " + std::to_string(majors.begin + t) +
                    " (" + std::to_string(indptr[t - 1]) + " then " + std::to_string(indptr[t]) +
                    ")");
      }
    }
    if (last && indptr.back() != layout.nonzeros) {
      throw Error(where + " ends at " + std::to_string(indptr.back()) + " but there are " +
                  std::to_string(layout.nonzeros) + " values");
    }
  });
  return indptr;
}

// Tells every rank which majors its slice of the nonzeros belongs to.
std::vector<Segment> exchange_segments(MPI_Comm comm, int ranks, const SparseLayout& layout,
                                       const IndexRange& majors,
                                       const std::vector<std::int64_t>& indptr) {
  const std::int64_t nonzeros = layout.nonzeros;
  std::vector<std::vector<Segment>> by_rank(static_cast<std::size_t>(ranks));
  for (std::int64_t t = 0; t < majors.size; ++t) {
    const std::int64_t begin = indptr[t], end = indptr[t + 1];
    for (int q = begin < end ? block_of(nonzeros, ranks, begin) : ranks; q < ranks; ++q) {
      const IndexRange slice = block_range(nonzeros, ranks, q);
      if (slice.begin >= end) break;
      by_rank[q].push_back(
          {majors.begin + t, std::max(begin, slice.begin), std::min(end, slice.end())});
    }
  }
  std::vector<Segment> grouped;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(ranks));
  for (int q = 0; q < ranks; ++q) {
    counts[q] = static_cast<std::int64_t>(by_rank[q].size());
    grouped.insert(grouped.end(), by_rank[q].begin(), by_rank[q].end());
  }
  std::vector<Segment> segments = comm::exchange(comm, grouped, counts);
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.begin < b.begin; });
  return segments;
}

}  // namespace

template <typename T>
SparseBlock<T> read_sparse_block(MPI_Comm comm, hid_t file, const std::string& path,
                                 const SparseLayout& layout, const SparseTarget& target,
                                 SparseReadReport& report) {
  int rank = 0, ranks = 1;
  GRIDNMF_MPI_CHECK(MPI_Comm_rank(comm, &rank));
  GRIDNMF_MPI_CHECK(MPI_Comm_size(comm, &ranks));
  const Distribution& dist = *target.dist;
  const int pc = dist.grid_cols();
  const std::string where = path + ":/" + layout.group;
  // Replicated: local indices travel in 32 bits.
  constexpr std::int64_t kLocalLimit = std::numeric_limits<std::int32_t>::max();
  if (dist.block_rows(0).size > kLocalLimit || dist.block_cols(0).size > kLocalLimit) {
    throw Error("a block of V has more than 2^31 rows or columns; use more ranks");
  }

  const IndexRange majors = block_range(layout.major_count(), ranks, rank);
  const std::vector<std::int64_t> indptr =
      read_indptr_slice(comm, file, path, layout, majors, rank == 0, rank == ranks - 1);
  const std::vector<Segment> segments = exchange_segments(comm, ranks, layout, majors, indptr);

  const IndexRange slice = block_range(layout.nonzeros, ranks, rank);
  const std::int64_t largest_slice = block_range(layout.nonzeros, ranks, 0).size;
  const std::int64_t rounds = std::max<std::int64_t>(
      1, (largest_slice + kEntriesPerRound - 1) / kEntriesPerRound);
  std::vector<std::int64_t> plain_counts(static_cast<std::size_t>(ranks), 0);
  std::int64_t zeros = 0, arrived_count = 0;
  const int grid_row = rank / pc, grid_col = rank % pc;
  local::SparseBlockBuilder<T> builder(
      dist.block_rows(grid_row).size, dist.block_cols(grid_col).size,
      target.panel_cols > 0 ? target.panel_cols : dist.block_cols(grid_col).size);

  // The slice is read twice: the first pass checks every entry and counts
  // where it goes, the second places it, so no rank ever holds more than its
  // block plus one round's buffers.
  for (const bool counting : {true, false}) {
    std::size_t segment = 0;
    for (std::int64_t round = 0; round < rounds; ++round) {
      const std::int64_t begin = std::min(slice.end(), slice.begin + round * kEntriesPerRound);
      const std::int64_t count = std::min(slice.end() - begin, kEntriesPerRound);
      std::vector<double> values(static_cast<std::size_t>(count));
      std::vector<std::int64_t> minors(static_cast<std::size_t>(count));
      std::vector<int> destinations(static_cast<std::size_t>(count), -1);
      std::vector<std::int64_t> send_counts(static_cast<std::size_t>(ranks), 0);
      std::vector<SparseEntry> local(static_cast<std::size_t>(count));
      comm::agree_on_failure(comm, [&] {
        read_slice(file, layout.group + "/data", H5T_NATIVE_DOUBLE, begin, count,
                   values.data(), where + "/data");
        read_slice(file, layout.group + "/indices", H5T_NATIVE_INT64, begin, count,
                   minors.data(), where + "/indices");
        for (std::int64_t e = 0; e < count; ++e) {
          const std::int64_t position = begin + e;
          while (segments[segment].end <= position) ++segment;
          const std::int64_t minor = minors[e];
          if (minor < 0 || minor >= layout.minor_count()) {
            throw Error(where + "/indices[" + std::to_string(position) + "] = " +
                        std::to_string(minor) + " is outside 0.." +
                        std::to_string(layout.minor_count() - 1));
          }
          const bool missing = target.nan_is_missing && std::isnan(values[e]);
          const double value = missing ? -0.0 : values[e];
          if (!(value >= 0.0) || !std::isfinite(value)) {
            throw Error(where + "/data[" + std::to_string(position) + "] = " +
                        std::to_string(value) + ": values must be finite and non-negative");
          }
          if (value > static_cast<double>(std::numeric_limits<T>::max())) {
            throw Error(where + "/data[" + std::to_string(position) + "] = " +
                        std::to_string(value) + " is beyond the range of --precision " +
                        (sizeof(T) == 4 ? "float32" : "float64") + "; use float64");
          }
          if (value == 0.0 && !missing) {
            zeros += counting ? 1 : 0;
            continue;
          }
          const std::int64_t major = segments[segment].major;
          std::int64_t row = layout.row_major ? major : minor;
          std::int64_t col = layout.row_major ? minor : major;
          if (target.transpose) std::swap(row, col);
          if (counting) {
            const auto [plain_i, plain_j] = dist.block_owner(row, col);
            ++plain_counts[plain_i * pc + plain_j];
          }
          const std::int64_t r = target.order.rows.forward(row);
          const std::int64_t c = target.order.cols.forward(col);
          const auto [i, j] = dist.block_owner(r, c);
          destinations[e] = i * pc + j;
          ++send_counts[destinations[e]];
          local[e] = {static_cast<std::uint32_t>(r - dist.block_rows(i).begin),
                      static_cast<std::uint32_t>(c - dist.block_cols(j).begin), value};
        }
      });
      std::vector<std::int64_t> offsets(static_cast<std::size_t>(ranks) + 1, 0);
      for (int q = 0; q < ranks; ++q) offsets[q + 1] = offsets[q] + send_counts[q];
      std::vector<SparseEntry> outgoing(static_cast<std::size_t>(offsets[ranks]));
      for (std::int64_t e = 0; e < count; ++e) {
        if (destinations[e] >= 0) outgoing[offsets[destinations[e]]++] = local[e];
      }
      const std::vector<SparseEntry> arrived = comm::exchange(comm, outgoing, send_counts);
      if (counting) {
        builder.count(arrived);
        arrived_count += static_cast<std::int64_t>(arrived.size());
      } else {
        builder.place(arrived);
      }
    }
  }
  std::int64_t duplicates = 0;
  SparseBlock<T> block = builder.finish(duplicates);
  // Both balances count entries before duplicates are summed, so they compare.
  std::vector<std::int64_t> stored(static_cast<std::size_t>(ranks), 0);
  stored[rank] = arrived_count;
  comm::allreduce_sum(comm, stored.data(), ranks);
  comm::allreduce_sum(comm, plain_counts.data(), ranks);
  std::int64_t sums[2] = {duplicates, zeros};
  comm::allreduce_sum(comm, sums, 2);
  report.nonzeros_per_rank = std::move(stored);
  report.unpermuted_nonzeros_per_rank = std::move(plain_counts);
  report.duplicates_summed = sums[0];
  report.zeros_dropped = sums[1];
  return block;
}

template SparseBlock<double> read_sparse_block<double>(MPI_Comm, hid_t, const std::string&,
                                                       const SparseLayout&, const SparseTarget&,
                                                       SparseReadReport&);
template SparseBlock<float> read_sparse_block<float>(MPI_Comm, hid_t, const std::string&,
                                                     const SparseLayout&, const SparseTarget&,
                                                     SparseReadReport&);

}  // namespace gridnmf::io
