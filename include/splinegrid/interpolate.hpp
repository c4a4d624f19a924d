#ifndef SPLINEGRID_INTERPOLATE_HPP
#define SPLINEGRID_INTERPOLATE_HPP

/// @file
/// Interpolating cubic splines: B-spline coefficients from samples (the prefilter of
/// Unser, Aldroubi & Eden 1991 / Thévenaz, Blu & Unser 2000 for scipy.ndimage's
/// modes; natural and not-a-knot cubic splines), and the adjoint of that
/// construction, on any backend.

#include <splinegrid/compat.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/line_solver.hpp>
#include <splinegrid/impl/view_checks.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid {
namespace Impl {

/// Runs the (transposed) line solve on every line of one axis and every channel.
template <bool Transpose, class Scalar, class Data>
struct SolveLines {
  LineSolver<Scalar> solver;
  Data data;
  std::int64_t stride;  ///< rows between neighbours on the axis
  std::int64_t n;
  std::int64_t channels;

  struct Line {
    Data data;
    std::int64_t base, stride, channel;
    KOKKOS_INLINE_FUNCTION Scalar& operator()(std::int64_t m) const {
      return data(base + m * stride, channel);
    }
  };

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t item) const {
    std::int64_t const channel = item % channels;
    std::int64_t const l = item / channels;
    std::int64_t const base = (l / stride) * (n * stride) + l % stride;
    Line const line{data, base, stride, channel};
    if constexpr (Transpose) {
      solve_line_transpose(solver, line);
    } else {
      solve_line(solver, line);
    }
  }
};

template <class Source, class Destination>
struct CopyMatrix {
  Source source;
  Destination destination;
  std::int64_t columns;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t item) const {
    destination(item / columns, item % columns) = source(item / columns, item % columns);
  }
};

/// Copies `input` to `output` (both (rows, C)) and solves every axis in place.
template <bool Transpose, class ExecutionSpace, class GridType, class Input, class Output>
void solve_all_axes(char const* function, ExecutionSpace const& exec, GridType const& grid,
                    Input const& input, Output const& output) {
  using Scalar = typename GridType::value_type;
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "splinegrid: first argument must be a Kokkos execution space");
  static_check_view<ExecutionSpace, Scalar, 2, Input>();
  static_check_view<ExecutionSpace, Scalar, 2, Output>();
  static_assert(!std::is_const<typename Output::value_type>::value,
                "splinegrid: output View must be writable");
  require(grid.basis() == Basis::bspline, function,
          "needs Basis::bspline (a Catmull-Rom grid already passes through its control points)");
  std::int64_t const rows = grid.num_control_points(), channels = grid.channels();
  require_extent(input, 0, rows, function, "input");
  require_extent(input, 1, channels, function, "input");
  require_extent(output, 0, rows, function, "output");
  require_extent(output, 1, channels, function, "output");
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  if (input.data() != output.data())
    Kokkos::parallel_for("splinegrid::interpolate::copy", Policy(exec, 0, rows * channels),
                         CopyMatrix<Input, Output>{input, output, channels});
  auto const eval = grid.evaluator();
  for (int k = 0; k < GridType::dimension; ++k) {
    auto const& axis = eval.axis(k);
    auto const solver = make_line_solver(axis);
    std::int64_t const lines = rows / axis.n;
    Kokkos::parallel_for(Transpose ? "splinegrid::interpolate_adjoint" : "splinegrid::interpolate",
                         Policy(exec, 0, lines * channels),
                         SolveLines<Transpose, Scalar, Output>{solver, output, axis.stride, axis.n,
                                                               channels});
  }
}

}  // namespace Impl

/// Makes `grid` interpolate `samples`: sets the control points to the cubic B-spline
/// coefficients c with f(control point position i) = samples(i, :) for the grid's
/// per-axis boundaries (Grid::set_boundary):
/// - mirror, reflect, wrap, nearest, grid_constant: scipy.ndimage.spline_filter(order=3,
///   mode=...) exactly (the exact infinite-extension solution, no pre-padding);
/// - linear (= natural): the natural cubic spline; not_a_knot: the not-a-knot cubic
///   spline (scipy.interpolate.CubicSpline), n = 3 the parabola, n = 2 the line.
/// samples: (rows, C) in the control points' layout (row-major over n_0..n_{D-1}), any
/// View of the grid's Scalar; it may be grid.control_points() itself. Needs
/// Basis::bspline. Cost O(rows · C · Dim), in place, separable over axes.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Samples>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> interpolate(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Samples const& samples) {
  Compat::ScopedRegion region("splinegrid::interpolate");
  Impl::solve_all_axes<false>("splinegrid::interpolate", exec, grid, samples,
                              grid.control_points());
}

/// interpolate() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Samples>
void interpolate(Grid<Scalar, Dim, MemorySpace> const& grid, Samples const& samples) {
  interpolate(typename MemorySpace::execution_space{}, grid, samples);
}

/// Adjoint of interpolate(): grad_samples = A^-T grad_control_points, the gradient of
/// a loss with respect to the samples given its gradient with respect to the control
/// points (e.g. from adjoint()). Both (rows, C); they may be the same View.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class GradControlPoints,
          class GradSamples>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> interpolate_adjoint(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    GradControlPoints const& grad_control_points, GradSamples const& grad_samples) {
  Compat::ScopedRegion region("splinegrid::interpolate_adjoint");
  Impl::solve_all_axes<true>("splinegrid::interpolate_adjoint", exec, grid, grad_control_points,
                             grad_samples);
}

/// interpolate_adjoint() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class GradControlPoints, class GradSamples>
void interpolate_adjoint(Grid<Scalar, Dim, MemorySpace> const& grid,
                         GradControlPoints const& grad_control_points,
                         GradSamples const& grad_samples) {
  interpolate_adjoint(typename MemorySpace::execution_space{}, grid, grad_control_points,
                      grad_samples);
}

}  // namespace splinegrid

#endif
