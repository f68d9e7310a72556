#pragma once

#include <boost/program_options.hpp>

#include "gridnmf/config/checkpoint_options.hpp"

namespace gridnmf::cli {

// Adds --checkpoint, --checkpoint-every, --checkpoint-interval and --resume,
// bound to `options`, to a command's option list.
void add_checkpoint_options(boost::program_options::options_description& description,
                            CheckpointOptions& options);

}  // namespace gridnmf::cli
