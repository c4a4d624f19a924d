#ifndef SPLINEGRID_CLI_SAMPLES_HPP
#define SPLINEGRID_CLI_SAMPLES_HPP

// The observations a fit reads: this rank's share of a CSV or HDF5 file, or of the
// built-in demo dataset (noisy samples of a known smooth function).

#include "session.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace splinegrid::cli {

struct Samples {
  int dim = 0;
  int channels = 0;
  std::int64_t total = 0;       ///< rows over all ranks
  std::vector<double> points;   ///< this rank's rows x dim
  std::vector<double> values;   ///< this rank's rows x channels
  std::string source;           ///< file name or "demo"
  std::int64_t rows() const { return dim ? static_cast<std::int64_t>(points.size()) / dim : 0; }
};

/// Reads this rank's share of `path` (.h5/.hdf5: datasets points (N, D), values (N, C);
/// anything else: CSV with D coordinate columns then C value columns). `dim` /
/// `channels` (0 = from the file) must be consistent with the file. Collective.
Samples read_samples(Session const& session, std::string const& path, int dim, int channels);

/// This rank's share of n demo samples in [0,1]^dim: channel c of sample i is
/// demo_truth(dim, c, x_i) + 0.05 N(0,1) noise; sample i depends only on (i, seed).
Samples demo_samples(Session const& session, int dim, int channels, std::int64_t n,
                     std::uint64_t seed);

/// The demo's true function: sin(2 pi x0) in 1D; exp(-2 |x - 1/2|^2) + 0.3 sin(2 pi x0)
/// beyond; channel c is scaled by 1 + c/2.
double demo_truth(int dim, int channel, double const* x);

}  // namespace splinegrid::cli

#endif
