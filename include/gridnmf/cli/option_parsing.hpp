#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gridnmf/config/convert_options.hpp"
#include "gridnmf/config/factorize_options.hpp"
#include "gridnmf/config/generate_options.hpp"
#include "gridnmf/config/images_options.hpp"
#include "gridnmf/config/pca_options.hpp"
#include "gridnmf/config/select_rank_options.hpp"
#include "gridnmf/config/topic_options.hpp"
#include "gridnmf/config/unmix_options.hpp"

namespace gridnmf::cli {

// Parses the arguments after "factorize" (and the --config file they name;
// the command line wins over the file). Returns nullopt after printing help
// when --help was given; `print` says whether this rank prints. Throws
// UsageError with one line on a bad option, the same on every rank.
std::optional<FactorizeOptions> parse_factorize(const std::vector<std::string>& args, bool print);

// The same for "unmix": factorize's options with unmixing defaults, --endmembers
// for --rank, and the unmixing weights.
std::optional<UnmixOptions> parse_unmix(const std::vector<std::string>& args, bool print);

// The same for "select-rank": factorize's options (sweep defaults: bpp,
// --holdout 0.05) plus --ranks, --replicates, --min-stability, --sweep-dir.
std::optional<SelectRankOptions> parse_select_rank(const std::vector<std::string>& args,
                                                   bool print);

// The same for "generate".
std::optional<GenerateOptions> parse_generate(const std::vector<std::string>& args, bool print);

// The same for "convert" and "evaluate".
std::optional<ConvertOptions> parse_convert(const std::vector<std::string>& args, bool print);
std::optional<EvaluateOptions> parse_evaluate(const std::vector<std::string>& args, bool print);
// The same for "images".
std::optional<ImagesOptions> parse_images(const std::vector<std::string>& args, bool print);
// The same for "pca".
std::optional<PcaOptions> parse_pca(const std::vector<std::string>& args, bool print);

// The same for "top" and "transform".
std::optional<TopOptions> parse_top(const std::vector<std::string>& args, bool print);
std::optional<TransformOptions> parse_transform(const std::vector<std::string>& args, bool print);

}  // namespace gridnmf::cli
