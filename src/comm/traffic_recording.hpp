#pragma once

#include <cstdint>

#include "gridnmf/comm/traffic.hpp"

namespace gridnmf::comm {

// Adds one call's payload to this process's counters (see ByteCount for what
// sent and received mean). Called only by the collectives of this layer.
void record_traffic(Collective kind, std::int64_t sent, std::int64_t received);

}  // namespace gridnmf::comm
