#pragma once

#include <string>
#include <vector>

#include "gridnmf/config/convert_options.hpp"
#include "gridnmf/io/text_matrix_format.hpp"

namespace gridnmf::cli {

// `convert` of an ENVI image or HDF5 dataset into a dense /V: every rank reads
// and writes its own block (parallel HDF5). Collective over MPI_COMM_WORLD.
void convert_image(const ConvertOptions& options);

// `convert` of a Matrix Market or UCI docword file into the sparse CSR layout:
// rank 0 reads, builds and writes; the others wait for its agreed outcome.
// Collective over MPI_COMM_WORLD.
void convert_sparse_text(const ConvertOptions& options, io::TextMatrixFormat format);

// `convert` of an IDX image file (and its labels) into a dense /V of pixels x
// images (uint8, pixel = row-major position in the image), with image_rows,
// image_cols and /col_labels: rank 0 reads (gzip cannot be split), every rank
// joins the collective write. Collective over MPI_COMM_WORLD.
void convert_idx(const ConvertOptions& options);

// `convert` of a folder of PNG/PGM images of one size into a dense /V of
// pixels x images (uint8, or uint16 when an image has 16-bit samples), one
// column per file in name order, with image_rows and image_cols: every rank
// reads a contiguous range of the files and writes its columns (parallel
// HDF5). Collective over MPI_COMM_WORLD.
void convert_image_folder(const ConvertOptions& options);

// Throws UsageError if `output` exists and is one of `inputs`: replacing an
// input file (a header, raw data, a matrix or name file) would destroy it.
void reject_output_equal_to_input(const std::string& output,
                                  const std::vector<std::string>& inputs);

}  // namespace gridnmf::cli
