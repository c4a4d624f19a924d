#ifndef SPLINEGRID_GRID_FILE_HPP
#define SPLINEGRID_GRID_FILE_HPP

/// @file
/// HDF5 grid files (target SplineGrid::hdf5, -DSplineGrid_ENABLE_HDF5=ON).
///
/// Schema, format version 1 (readable with h5py / h5dump):
/// - dataset `/control_points`, float64, shape (n_0, ..., n_{D-1}, C): the control
///   points, last axis fastest, channels innermost (the Grid's own layout);
/// - attributes of `/`: `format` = "splinegrid-grid", `format_version` = 1 (int),
///   `library_version` (string), `basis` ("bspline" | "catmull_rom"), `dimension`
///   (int D), `channels` (int C), `resolution` (int64[D]), `domain_lo`, `domain_hi`
///   (float64[D]), `boundary`, `extrapolation` (strings, one name per axis joined by
///   ","), `fill_value` (float64), `scalar` ("float32" | "float64": the type the grid
///   had in memory; control points are always stored as float64, exactly).
/// - optional group `/checkpoint` (solver state, see OptimizerState): attributes
///   `method`, `iteration`, `fingerprint` (string identifying the fit set-up);
///   group `/checkpoint/vectors` holds one float64 dataset per named vector, group
///   `/checkpoint/scalars` one float64 attribute per named scalar.
/// Loading checks every attribute, the dataset shape, and that control points are
/// finite; unknown format versions, wrong shapes, truncated or corrupt files are
/// rejected with std::runtime_error naming the file and the problem.

#include <splinegrid/basis.hpp>
#include <splinegrid/boundary.hpp>
#include <splinegrid/error.hpp>
#include <splinegrid/fit_report.hpp>
#include <splinegrid/grid.hpp>

#include <Kokkos_Core.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace splinegrid {

/// The current grid file format version.
inline constexpr int grid_file_format_version = 1;

/// A grid file's contents on the host, independent of D and Scalar.
struct GridFileData {
  int dimension = 0;                        ///< D, 1..4
  int channels = 0;                         ///< C >= 1
  std::vector<std::int64_t> resolution;     ///< n_k per axis
  std::vector<double> domain_lo;            ///< domain lower ends per axis
  std::vector<double> domain_hi;            ///< domain upper ends per axis
  Basis basis = Basis::bspline;             ///< spline basis
  std::vector<Boundary> boundary;           ///< per-axis ghost rule
  std::vector<Extrapolation> extrapolation; ///< per-axis extrapolation
  double fill_value = 0;                    ///< value outside fill axes
  std::string scalar = "float64";           ///< in-memory type of the grid saved
  std::string library_version;              ///< version of the writer (read only)
  int format_version = grid_file_format_version;  ///< schema version (read only)
  /// rows x C, row-major (rows in the grid's order, channels innermost).
  std::vector<double> control_points;
  /// Solver state and the fit set-up it belongs to, for checkpoints.
  std::optional<OptimizerState> checkpoint;
  std::string checkpoint_fingerprint;  ///< identifies the fit set-up a checkpoint belongs to
};

/// Writes `data` to `path` atomically: to a temporary file in the same directory,
/// flushed, then renamed over `path` — a crash leaves the old file or the new one,
/// never a mix. Throws std::runtime_error on failure.
void write_grid_file(std::string const& path, GridFileData const& data);

/// Bounds on what read_grid_file allocates for a file, whatever the file claims.
struct GridFileLimits {
  /// Most float64 values read from all datasets of one file together (control
  /// points plus checkpoint vectors); default 2^28 (2 GiB). Uncompressed datasets
  /// are further bounded by the file's size; compressed ones only by this limit, so
  /// lower it when reading files from untrusted sources (a tiny compressed file can
  /// legitimately decode to this many values).
  std::int64_t max_values = std::int64_t(1) << 28;
};

/// Reads and validates a grid file. Throws std::runtime_error("<path>: <problem>"),
/// also when the file holds more values than `limits` allow.
GridFileData read_grid_file(std::string const& path, GridFileLimits const& limits = {});

/// A grid's contents as GridFileData (copies the control points to the host).
template <class Scalar, int Dim, class MemorySpace>
GridFileData to_grid_file_data(Grid<Scalar, Dim, MemorySpace> const& grid) {
  GridFileData d;
  d.dimension = Dim;
  d.channels = grid.channels();
  d.basis = grid.basis();
  d.fill_value = grid.fill_value();
  d.scalar = std::is_same<Scalar, float>::value ? "float32" : "float64";
  for (int k = 0; k < Dim; ++k) {
    d.resolution.push_back(grid.resolution(k));
    d.domain_lo.push_back(grid.domain().lo[k]);
    d.domain_hi.push_back(grid.domain().hi[k]);
    d.boundary.push_back(grid.boundary(k).boundary);
    d.extrapolation.push_back(grid.boundary(k).extrapolation);
  }
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, grid.control_points());
  d.control_points.assign(host.span(), 0.0);
  for (std::size_t i = 0; i < host.span(); ++i) d.control_points[i] = double(host.data()[i]);
  return d;
}

/// A Grid from GridFileData of matching dimension. Throws std::invalid_argument
/// ("splinegrid::grid_from_file_data: ...") if the dimension differs.
template <class Scalar, int Dim, class MemorySpace = typename Kokkos::DefaultExecutionSpace::memory_space>
Grid<Scalar, Dim, MemorySpace> grid_from_file_data(GridFileData const& d) {
  constexpr char const* fn = "splinegrid::grid_from_file_data";
  require(d.dimension == Dim, fn,
          "the file holds a " + std::to_string(d.dimension) + "D grid, expected " +
              std::to_string(Dim) + "D");
  std::array<std::int64_t, Dim> res;
  Domain<Dim> domain;
  for (int k = 0; k < Dim; ++k) {
    res[k] = d.resolution.at(k);
    domain.lo[k] = d.domain_lo.at(k);
    domain.hi[k] = d.domain_hi.at(k);
  }
  Grid<Scalar, Dim, MemorySpace> grid(res, d.channels, d.basis, domain);
  for (int k = 0; k < Dim; ++k) grid.set_boundary(k, d.boundary.at(k), d.extrapolation.at(k));
  grid.set_fill_value(d.fill_value);
  auto host = Kokkos::create_mirror_view(grid.control_points());
  require(d.control_points.size() == host.span(), fn, "control point count does not match");
  for (std::size_t i = 0; i < host.span(); ++i) host.data()[i] = static_cast<Scalar>(d.control_points[i]);
  Kokkos::deep_copy(grid.control_points(), host);
  return grid;
}

/// Saves a grid (optionally with a checkpoint) to an HDF5 file, atomically.
template <class Scalar, int Dim, class MemorySpace>
void save_grid(std::string const& path, Grid<Scalar, Dim, MemorySpace> const& grid) {
  write_grid_file(path, to_grid_file_data(grid));
}

/// Loads a Dim-dimensional grid saved by save_grid (or any valid grid file).
template <class Scalar, int Dim, class MemorySpace = typename Kokkos::DefaultExecutionSpace::memory_space>
Grid<Scalar, Dim, MemorySpace> load_grid(std::string const& path) {
  return grid_from_file_data<Scalar, Dim, MemorySpace>(read_grid_file(path));
}

}  // namespace splinegrid

#endif
