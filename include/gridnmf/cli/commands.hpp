#pragma once

#include "gridnmf/config/convert_options.hpp"
#include "gridnmf/config/factorize_options.hpp"
#include "gridnmf/config/images_options.hpp"
#include "gridnmf/config/pca_options.hpp"
#include "gridnmf/config/generate_options.hpp"
#include "gridnmf/config/select_rank_options.hpp"
#include "gridnmf/config/topic_options.hpp"
#include "gridnmf/config/unmix_options.hpp"

namespace gridnmf::cli {

// `gridnmf generate`: writes a synthetic V = W_true H_true (+ noise) with its
// true factors. Collective over MPI_COMM_WORLD.
void run_generate(const GenerateOptions& options);

// `gridnmf generate --kind hyperspectral`: writes a synthetic scene with its
// truth in the layout of ../shared/data. Collective over MPI_COMM_WORLD.
void run_generate_scene(const GenerateOptions& options);

// `gridnmf factorize`: reads V, factorizes it, writes the result.
// Collective over MPI_COMM_WORLD.
void run_factorize(const FactorizeOptions& options);

// `gridnmf select-rank`: reads V once, runs every (k, replicate) cell not
// yet in --sweep-dir with held-out entries, and writes the table (HDF5 and
// CSV) with the recommended k. Collective over MPI_COMM_WORLD.
void run_select_rank(const SelectRankOptions& options);

// `gridnmf convert`: writes an ENVI image (or any input) as HDF5 in the layout
// of ../shared/data, each rank its own block; a Matrix Market or UCI docword
// file as the sparse CSR layout (read and written by rank 0).
// Collective over MPI_COMM_WORLD.
void run_convert(const ConvertOptions& options);

// `gridnmf evaluate`: SAD with Hungarian matching and abundance RMSE of a
// result against ground truth; computed on rank 0, status agreed by all ranks.
// Collective over MPI_COMM_WORLD.
void run_evaluate(const EvaluateOptions& options);

// `gridnmf images`: a PNG of a result's components (columns of W as images,
// tiled, each scaled to its own maximum, one colour bar) and optionally of a
// few images of V next to their reconstructions; prints the mean Hoyer
// sparseness of the columns of W and rows of H. Rank 0 reads and draws (W is
// small); collective over MPI_COMM_WORLD only for the agreed outcome.
void run_images(const ImagesOptions& options);

// `gridnmf pca`: the leading principal components of V's columns (mean
// column subtracted unless --no-center) by the distributed randomized
// truncated SVD; writes /W = U (components), /H = S V^T (scores), /mean and
// /singular_values. Collective over MPI_COMM_WORLD.
void run_pca(const PcaOptions& options);

// `gridnmf unmix`: factorize with the unmixing defaults (VCA start,
// sum-to-one and minimum-volume terms, BPP) and write the result with the
// input's image shape, wavelengths and endmember names. Collective over
// MPI_COMM_WORLD.
void run_unmix(const UnmixOptions& options);

// `gridnmf top`: each component's top rows by weight, with their names,
// components ordered by their share of the reconstruction; with --coherence
// the NPMI of the top rows from co-occurrence in the input's columns
// (counted on a 1 x p grid). Collective over MPI_COMM_WORLD.
void run_top(const TopOptions& options);

// `gridnmf transform`: H for new columns with the model's W fixed (one NNLS
// solve by BPP for Frobenius, MU for KL), written like a factorize result.
// Collective over MPI_COMM_WORLD.
void run_transform(const TransformOptions& options);

// Dispatches argv to a subcommand; returns the process exit code.
int run_command_line(int argc, char** argv);

}  // namespace gridnmf::cli
