#include "checkpoint_option_parsing.hpp"

namespace po = boost::program_options;

namespace gridnmf::cli {

void add_checkpoint_options(po::options_description& description, CheckpointOptions& options) {
  description.add_options()
      ("checkpoint", po::value(&options.path), "checkpoint file (HDF5), replaced atomically at every write; also written when the run stops without converging or by a signal")
      ("checkpoint-every", po::value(&options.every)->default_value(0), "write the checkpoint after every N-th iteration; 0: off")
      ("checkpoint-interval", po::value(&options.interval_seconds)->default_value(0.0), "write the checkpoint when this many seconds of iterating passed since the last one; 0: off")
      ("resume", po::bool_switch(&options.resume), "continue from --checkpoint (which must exist); the problem options must match it");
}

}  // namespace gridnmf::cli
