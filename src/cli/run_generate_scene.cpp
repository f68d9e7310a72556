#include <mpi.h>

#include <cstdio>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/generate/hyperspectral_scene.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// V in the run's precision; the truth in float64, as in ../shared/data.
template <typename T>
void write_scene(const ProcessGrid& grid, const Distribution& dist,
                 const GenerateOptions& options, const SceneModel& model, double sigma) {
  const HyperspectralScene& scene = model.scene();
  const IndexRange bands = dist.block_rows(grid.row());
  const IndexRange pixels = dist.block_cols(grid.col());
  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());
  const bool writer = grid.rank() == 0;

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "generated scene";
  output.payload_bytes = scene.bands * scene.pixels() * static_cast<std::int64_t>(sizeof(T)) +
                         (scene.bands + scene.pixels()) * scene.endmembers * 8;
  io::write_hdf5_output(grid.all(), output, [&](hid_t root) {
    io::Hdf5Handle v = io::create_matrix_dataset<T>(root, options.dataset, scene.bands,
                                                    scene.pixels());
    io::write_block(v.get(), bands, pixels, model.block<T>(bands, pixels, sigma));
    io::Hdf5Handle w = io::create_matrix_dataset<double>(root, "W_true", scene.bands,
                                                         scene.endmembers);
    io::write_w_rows(w.get(), w_rows, model.spectra_rows(w_rows));
    io::Hdf5Handle h = io::create_matrix_dataset<double>(root, "H_true", scene.endmembers,
                                                         scene.pixels());
    io::write_h_cols(h.get(), h_cols, model.abundance_cols(h_cols));
    io::write_vector_dataset(root, "wavelengths", model.wavelengths(), writer);
    io::write_string_dataset(root, "endmember_names", model.endmember_names(), writer);
    if (scene.pure_pixels) {
      io::write_vector_dataset(root, "pure_pixel_indices", model.anchor_pixels(), writer);
    }
    io::write_attribute(root, "rows", scene.image_rows);
    io::write_attribute(root, "cols", scene.image_cols);
    io::write_attribute(root, "bands", scene.bands);
    io::write_attribute(root, "pixels", scene.pixels());
    io::write_attribute(root, "k", scene.endmembers);
    io::write_attribute(root, "kind", to_string(options.kind));
    io::write_attribute(root, "pixel_order",
                        std::string("column-major: V[:, j] is image pixel (row j % rows, "
                                    "col j // rows)"));
    io::write_attribute(root, "noise_sigma", sigma);
    if (scene.snr_db) io::write_attribute(root, "snr_db", *scene.snr_db);
    io::write_attribute(root, "pure_pixels", static_cast<std::int64_t>(scene.pure_pixels));
    io::write_attribute(root, "mixing_sharpness", scene.mixing_sharpness);
    io::write_attribute(root, "similarity", scene.similarity);
    io::write_attribute(root, "band_noise", static_cast<std::int64_t>(scene.band_noise));
    io::write_attribute(root, "dead_bands", scene.dead_bands);
    io::write_attribute(root, "saturated_bands", scene.saturated_bands);
    io::write_attribute(root, "seed", static_cast<std::int64_t>(scene.seed));
    io::write_attribute(root, "precision", to_string(options.precision));
    io::write_attribute(root, "gridnmf_version", std::string(kVersion));
  });
}

}  // namespace

void run_generate_scene(const GenerateOptions& options) {
  io::silence_hdf5_errors();
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  HyperspectralScene scene;
  scene.image_rows = options.rows;
  scene.image_cols = options.cols;
  scene.bands = options.bands;
  scene.endmembers = options.endmembers;
  scene.snr_db = options.snr_db;
  scene.pure_pixels = options.pure_pixels;
  scene.mixing_sharpness = options.mixing_sharpness;
  scene.similarity = options.similarity;
  scene.band_noise = options.band_noise;
  scene.dead_bands = options.dead_bands;
  scene.saturated_bands = options.saturated_bands;
  scene.seed = options.seed;
  const SceneModel model(scene);
  const GridShape shape = choose_grid_shape(scene.bands, scene.pixels(), ranks);
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(scene.bands, scene.pixels(), shape.rows, shape.cols);
  const double sigma = scene_noise_sigma(grid.all(), model);
  if (options.precision == Precision::kFloat32) {
    write_scene<float>(grid, dist, options, model, sigma);
  } else {
    write_scene<double>(grid, dist, options, model, sigma);
  }
  char noise[64];
  if (scene.snr_db) {
    std::snprintf(noise, sizeof noise, "SNR %.4g dB (sigma %.4g)", *scene.snr_db, sigma);
  } else {
    std::snprintf(noise, sizeof noise, "noiseless");
  }
  ProgressPrinter(grid.rank() == 0, 1)
      .message("wrote " + options.output + ": hyperspectral scene " +
               std::to_string(scene.image_rows) + " x " + std::to_string(scene.image_cols) +
               " pixels, " + std::to_string(scene.bands) + " bands, " +
               std::to_string(scene.endmembers) + " endmembers" +
               (scene.pure_pixels ? " (pure pixels)" : "") + ", " + noise + ", V " +
               to_string(options.precision));
}

}  // namespace gridnmf::cli
