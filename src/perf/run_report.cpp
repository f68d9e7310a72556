#include "gridnmf/perf/run_report.hpp"


#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/text_output.hpp"
#include "gridnmf/perf/memory.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::perf {

namespace {

// Slots of the per-rank vector reduced in one go.
enum Slot {
  kFirstPhase = 0,
  kCommunication = kPhaseCount,
  kFirstTraffic,  // sent, received per collective kind, then the total
  kPeakRss = kFirstTraffic + 2 * (comm::kCollectiveKinds + 1),
  kLoopSeconds,
  kTotalSeconds,
  kSlots
};

struct Spread {
  double min = 0.0;
  double avg = 0.0;
  double max = 0.0;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// JSON has no NaN or infinity: such a value (e.g. a rate of a 0-second loop) is null.
std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string spread_object(const Spread& s) {
  return "{\"min\": " + number(s.min) + ", \"avg\": " + number(s.avg) + ", \"max\": " +
         number(s.max) + "}";
}

}  // namespace

RankMeasurements current_measurements() {
  return {phase_times(), loop_record(), peak_rss_bytes()};
}

std::string run_report_json(MPI_Comm comm, const RunFacts& facts, const RankMeasurements& mine) {
  std::vector<double> values(kSlots, 0.0);
  for (const Phase phase : kAllPhases) {
    values[kFirstPhase + static_cast<int>(phase)] = mine.phases.seconds(phase);
  }
  values[kCommunication] = mine.phases.communication_seconds();
  const comm::Traffic per_iteration = mine.loop.per_iteration_traffic();
  for (int kind = 0; kind <= comm::kCollectiveKinds; ++kind) {
    const comm::ByteCount count =
        kind < comm::kCollectiveKinds ? per_iteration.bytes[kind] : per_iteration.total();
    values[kFirstTraffic + 2 * kind] = static_cast<double>(count.sent);
    values[kFirstTraffic + 2 * kind + 1] = static_cast<double>(count.received);
  }
  values[kPeakRss] = static_cast<double>(mine.peak_rss_bytes);
  values[kLoopSeconds] = mine.loop.seconds;
  values[kTotalSeconds] = facts.total_seconds;

  int ranks = 1, me = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &me);
  std::vector<double> low = values, sum = values, high = values;
  comm::allreduce_min(comm, low.data(), kSlots);
  comm::allreduce_sum(comm, sum.data(), kSlots);
  comm::allreduce_max(comm, high.data(), kSlots);
  if (me != 0) return std::string();
  const auto spread = [&](int slot) { return Spread{low[slot], sum[slot] / ranks, high[slot]}; };

  // The slowest rank's loop is the one a user waits for.
  const double loop_seconds = high[kLoopSeconds];
  const int loop_iterations = mine.loop.iterations;
  const double seconds_per_iteration = loop_seconds / loop_iterations;

  std::ostringstream json;
  json << "{\n"
       << "  \"gridnmf_version\": " << quoted(kVersion) << ",\n"
       << "  \"command\": " << quoted(facts.command) << ",\n"
       << "  \"ranks\": " << ranks << ",\n"
       << "  \"grid\": " << quoted(facts.grid.to_string()) << ",\n"
       << "  \"grid_rows\": " << facts.grid.rows << ",\n"
       << "  \"grid_cols\": " << facts.grid.cols << ",\n"
       << "  \"rows\": " << facts.rows << ",\n"
       << "  \"cols\": " << facts.cols << ",\n"
       << "  \"rank\": " << facts.rank << ",\n"
       << "  \"precision\": " << quoted(facts.precision) << ",\n"
       << "  \"algorithm\": " << quoted(facts.algorithm) << ",\n"
       << "  \"loss\": " << quoted(facts.loss) << ",\n"
       << "  \"iterations\": " << facts.iterations << ",\n"
       << "  \"loop_iterations\": " << loop_iterations << ",\n"
       << "  \"loop_seconds\": " << number(loop_seconds) << ",\n"
       << "  \"seconds_per_iteration\": " << number(seconds_per_iteration) << ",\n"
       << "  \"total_seconds\": " << number(high[kTotalSeconds]) << ",\n"
       << "  \"phase_barriers\": false,\n"
       << "  \"phases\": {\n";
  for (int p = 0; p < kPhaseCount; ++p) {
    json << "    " << quoted(to_string(kAllPhases[p])) << ": " << spread_object(spread(kFirstPhase + p))
         << (p + 1 < kPhaseCount ? ",\n" : "\n");
  }
  json << "  },\n"
       << "  \"communication_seconds\": " << spread_object(spread(kCommunication)) << ",\n"
       << "  \"bytes_per_iteration\": {\n";
  for (int kind = 0; kind <= comm::kCollectiveKinds; ++kind) {
    const std::string name =
        kind < comm::kCollectiveKinds ? comm::to_string(static_cast<comm::Collective>(kind)) : "total";
    json << "    " << quoted(name) << ": {\"sent\": "
         << spread_object(spread(kFirstTraffic + 2 * kind))
         << ", \"received\": " << spread_object(spread(kFirstTraffic + 2 * kind + 1)) << "}"
         << (kind < comm::kCollectiveKinds ? ",\n" : "\n");
  }
  json << "  },\n"
       << "  \"model_bytes_per_iteration\": " << number(facts.model_bytes_per_iteration) << ",\n"
       << "  \"flops_per_iteration\": " << number(facts.flops_per_iteration) << ",\n"
       << "  \"gflops_per_second\": "
       << number(facts.flops_per_iteration / seconds_per_iteration / 1e9) << ",\n"
       << "  \"peak_rss_bytes\": " << spread_object(spread(kPeakRss));
  if (facts.sparse.nonzeros > 0) {
    json << ",\n  \"sparse_input\": {\"nonzeros\": " << facts.sparse.nonzeros
         << ", \"permuted\": " << (facts.sparse.permuted ? "true" : "false")
         << ", \"nonzero_imbalance\": " << number(facts.sparse.imbalance)
         << ", \"nonzero_imbalance_unpermuted\": " << number(facts.sparse.unpermuted_imbalance)
         << ", \"max_block_bytes\": " << facts.sparse.max_block_bytes << "}";
  }
  json << "\n}\n";
  return json.str();
}

void write_run_report(MPI_Comm comm, const std::string& path, const RunFacts& facts) {
  const std::string json = run_report_json(comm, facts, current_measurements());
  int me = 0;
  MPI_Comm_rank(comm, &me);
  comm::agree_on_failure(comm, [&] {
    if (me == 0) io::write_text_file(path, json, "--report");
  });
}

}  // namespace gridnmf::perf
