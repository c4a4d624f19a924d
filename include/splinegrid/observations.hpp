#ifndef SPLINEGRID_OBSERVATIONS_HPP
#define SPLINEGRID_OBSERVATIONS_HPP

/// @file
/// Observations: the data a grid is fitted to (this process' share of it under MPI).

#include <splinegrid/communicator.hpp>
#include <splinegrid/error.hpp>
#include <splinegrid/impl/fit_kernels.hpp>
#include <splinegrid/impl/view_checks.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace splinegrid {

/// N observations: points (N, Dim) where the field was observed, values (N, C) it
/// should take there, and optional weights (N) >= 0 (empty View: all 1). Under MPI,
/// each process holds its own share; N may then be 0 on some processes but not on all.
template <class Scalar, int Dim, class MemorySpace>
struct Observations {
  using matrix_type = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;  ///< (N, k)
  using vector_type = Kokkos::View<Scalar*, MemorySpace>;                      ///< (N)
  matrix_type points;   ///< (N, Dim) coordinates
  matrix_type values;   ///< (N, C) targets
  vector_type weights;  ///< (N) weights >= 0, or empty for all 1

  /// N, the observations on this process.
  std::int64_t size() const { return static_cast<std::int64_t>(points.extent(0)); }
};

namespace Impl {

/// Checks observations against a grid: extents, finite points/values, finite
/// non-negative weights, and at least one observation over all processes. Returns
/// the total number of observations. Messages name `function`. Collective: when one
/// process finds a problem, every process throws (no process is left waiting).
template <class ExecutionSpace, class GridType, class ObservationsType>
std::int64_t check_observations(ExecutionSpace const& exec, char const* function,
                                GridType const& grid, ObservationsType const& data,
                                Communicator const& comm) {
  std::int64_t const n = data.size();
  std::string problem;
  try {
    require_extent(data.points, 1, GridType::dimension, function, "observations.points");
    require_extent(data.values, 0, n, function, "observations.values");
    require_extent(data.values, 1, grid.channels(), function, "observations.values");
    if (data.weights.extent(0) != 0)
      require_extent(data.weights, 0, n, function, "observations.weights");
    std::int64_t const bad_points = count_bad(exec, data.points);
    require(bad_points == 0, function,
            std::to_string(bad_points) + " observation coordinates are NaN or infinite");
    std::int64_t const bad_values = count_bad(exec, data.values);
    require(bad_values == 0, function,
            std::to_string(bad_values) + " observation values (targets) are NaN or infinite");
    std::int64_t const bad_weights =
        data.weights.extent(0) != 0 ? count_bad(exec, data.weights, true) : 0;
    require(bad_weights == 0, function,
            std::to_string(bad_weights) + " weights are negative, NaN or infinite");
  } catch (std::invalid_argument const& e) {
    problem = e.what();
  }
  double counts[2] = {problem.empty() ? 0.0 : 1.0, static_cast<double>(n)};
  comm.sum(counts, 2);
  if (!problem.empty()) throw std::invalid_argument(problem);
  require(counts[0] == 0, function, "invalid observations on another process");
  require(counts[1] > 0, function, "no observations (N = 0 on every process)");
  return static_cast<std::int64_t>(counts[1]);
}

}  // namespace Impl

}  // namespace splinegrid

#endif
