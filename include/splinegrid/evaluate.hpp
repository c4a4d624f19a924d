#ifndef SPLINEGRID_EVALUATE_HPP
#define SPLINEGRID_EVALUATE_HPP

/// @file
/// Batched forward evaluation: values, and values with gradients / Hessians.

#include <splinegrid/compat.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/evaluate_kernels.hpp>
#include <splinegrid/impl/permuted_rows.hpp>
#include <splinegrid/impl/staged_evaluate.hpp>
#include <splinegrid/impl/view_checks.hpp>
#include <splinegrid/point_order.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid {
namespace Impl {

/// True if evaluate_gradients() / evaluate_hessians() run by chunks of points on a
/// CPU space (EvaluateChunked: the stencils vectorised across the points, the same
/// results bit for bit) when no strategy is forced: where the grid suits it
/// (chunking_fits), for gradients, and for Hessians of one channel. Standalone
/// harness, 2 threads, 1e6 points, 16^D, double, per point -> chunked, M points/s:
/// gradients 1D 144-146 -> 186-188, 2D 67-69 -> 87-100, 3D 27-33 -> 41-48 (callgrind,
/// instructions per point: 188 -> 157, 411 -> 300, 630 -> 502; 3D C=3 1155 -> 1032,
/// C=8 about equal); Hessians 1D 117 -> 150-153, 2D 43-47 -> 55-57, 3D 16-17 -> 15-20
/// (218 -> 187, 537 -> 408, 1119 -> 976). Hessians of several channels (3D: one
/// channel per contraction) ran slower chunked (3D C=3 3209 -> 3481 instructions,
/// 5.1 -> 4.1 M points/s), so they stay per point.
template <int Order, class EvaluatorType>
bool chunk_derivatives_by_default(EvaluatorType const& eval) {
  return chunking_fits(eval) && (Order == 1 || eval.channels() == 1);
}

/// Launches EvaluateDerivatives<Order> with the variant that fits `eval`: by
/// chunks of points (EvaluateStrategy::chunked; CPU spaces, chunking_fits), one
/// point per work item (flat), or as chunk_derivatives_by_default chooses
/// (automatic). Tests force both to compare them.
template <int Order, class ExecutionSpace, class EvaluatorType, class Points, class Values,
          class Gradients, class Hessians>
void launch_derivatives(ExecutionSpace const& exec, EvaluatorType const& eval,
                        Points const& points, Values const& values, Gradients const& gradients,
                        Hessians const& hessians,
                        EvaluateStrategy strategy = EvaluateStrategy::automatic) {
  char const* const label = Order == 1 ? "splinegrid::evaluate_gradients" : "splinegrid::evaluate_hessians";
  require(strategy != EvaluateStrategy::staged, label, "no staged strategy for derivatives");
  require(strategy != EvaluateStrategy::chunked_wide, label,
          "no chunked_wide strategy for derivatives (forward values only)");
  bool chunked = strategy == EvaluateStrategy::chunked;
  if (strategy == EvaluateStrategy::automatic)
    chunked = !is_device_space<ExecutionSpace> && chunk_derivatives_by_default<Order>(eval);
  if (chunked) {
    require(!is_device_space<ExecutionSpace>, label, "chunked strategy: CPU execution spaces only");
    require(chunking_fits(eval), label,
            "chunked strategy: needs torch rules and 4 <= n < 2^31 control points per axis");
  }
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  with_kernel_variant(eval, [&](auto variant) {
    using Variant = decltype(variant);
    using Kernel = EvaluateDerivatives<Order, Variant, EvaluatorType, Points, Values, Gradients, Hessians>;
    Kernel const kernel{eval, points, values, gradients, hessians};
    if constexpr (!is_device_space<ExecutionSpace> && Variant::torch) {
      if (chunked) {
        using Chunked = EvaluateChunked<Order, Kernel>;
        Kokkos::parallel_for(label, Policy(exec, 0, Chunked::chunks(n)), Chunked(kernel));
        return;
      }
    }
    Kokkos::parallel_for(label, Policy(exec, 0, n), kernel);
  });
}

template <class ExecutionSpace, class GridType, class Points, class Values>
void check_evaluate_arguments(char const* function, GridType const& grid, Points const& points,
                              Values const& values) {
  using Scalar = typename GridType::value_type;
  static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                "splinegrid: first argument must be a Kokkos execution space");
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace,
                                           typename GridType::memory_space>::accessible,
                "splinegrid: the grid's memory space is not accessible from the execution space");
  static_check_view<ExecutionSpace, Scalar, 2, Points>();
  static_check_view<ExecutionSpace, Scalar, 2, Values>();
  require_extent(points, 1, GridType::dimension, function, "points");
  require_extent(values, 0, static_cast<std::int64_t>(points.extent(0)), function, "values");
  require_extent(values, 1, grid.channels(), function, "values");
}

template <class GridType, class Points, class Gradients>
void require_gradients(char const* function, GridType const& grid, Points const& points,
                       Gradients const& gradients) {
  require_extent(gradients, 0, static_cast<std::int64_t>(points.extent(0)), function,
                 "gradients");
  require_extent(gradients, 1, grid.channels(), function, "gradients");
  require_extent(gradients, 2, GridType::dimension, function, "gradients");
}

}  // namespace Impl

/// Evaluates the grid at N points: values(i, c) = f_c(points(i, :)).
///
/// points: (N, Dim) View of coordinates in the grid's domain (clamped to it);
/// values: (N, C) View, overwritten. Both of the grid's Scalar, accessible from
/// `exec`. Runs asynchronously on `exec` (fence before reading on the host).
/// Cost O(N · 4^Dim · C), no extra memory. Throws std::invalid_argument on extent
/// mismatches. NaN coordinates give NaN values. On GPU spaces a grid that fits in
/// team scratch (level 0, 48 KiB on CUDA) is first staged there per team of 4096
/// points; on CPU spaces the kernel reads the grid in place (it sits in cache) and,
/// under torch rules with at least 4 control points per axis, computes the stencils
/// of 32 points at a time in vector registers; in 3D and 4D with C = 8 on a grid
/// larger than 64 KiB it also visits each run of 4096 points in coarse-cell order (a
/// counting sort on the stack), so that neighbouring points find their control rows
/// in L1. Every strategy gives the same results bit for bit.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class Values>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> evaluate(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, Values const& values) {
  Compat::ScopedRegion region("splinegrid::evaluate");
  Impl::check_evaluate_arguments<ExecutionSpace>("splinegrid::evaluate", grid, points, values);
  Impl::launch_evaluate(exec, grid.evaluator(), points, values, Impl::EvaluateStrategy::automatic);
}

/// evaluate() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class Values>
void evaluate(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
              Values const& values) {
  evaluate(typename MemorySpace::execution_space{}, grid, points, values);
}

/// evaluate() walking the points in a PointOrder's sorted order: it reads the order's
/// sorted copy of the points sequentially and writes values(permutation(j), :), so
/// the results equal evaluate()'s bit for bit, in the caller's order. For grids
/// larger than the caches: neighbouring work items then touch neighbouring control
/// points, so the grid streams through the cache instead of costing ~4^Dim cache
/// misses per point (README, Performance: 256^3); on small grids the scattered writes
/// and the check make it slower than evaluate(). Checks the order against the grid's
/// geometry and the points (see PointOrder::check), which fences `exec`.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class Values>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> evaluate(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, Values const& values, PointOrder<Scalar, Dim, MemorySpace> const& order) {
  constexpr char const* fn = "splinegrid::evaluate";
  Compat::ScopedRegion region(fn);
  Impl::check_evaluate_arguments<ExecutionSpace>(fn, grid, points, values);
  order.check(exec, fn, grid, points);
  auto const perm = order.permutation();
  using V = Impl::PermutedRows<Values, std::decay_t<decltype(perm)>>;
  Impl::launch_evaluate(exec, grid.evaluator(), order.sorted_points(), V{values, perm},
                        Impl::EvaluateStrategy::automatic);
}

/// evaluate() with a PointOrder on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class Values>
void evaluate(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
              Values const& values, PointOrder<Scalar, Dim, MemorySpace> const& order) {
  evaluate(typename MemorySpace::execution_space{}, grid, points, values, order);
}

/// Values and gradients in one pass: values (N, C) and
/// gradients(i, c, k) = d f_c / d x_k at points(i, :) (N, C, Dim), in domain units.
/// Gradients are 0 along axes where the point lies outside the domain (clamped).
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class Values, class Gradients>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> evaluate_gradients(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, Values const& values, Gradients const& gradients) {
  constexpr char const* fn = "splinegrid::evaluate_gradients";
  Compat::ScopedRegion region(fn);
  Impl::check_evaluate_arguments<ExecutionSpace>(fn, grid, points, values);
  Impl::static_check_view<ExecutionSpace, Scalar, 3, Gradients>();
  Impl::require_gradients(fn, grid, points, gradients);
  Impl::launch_derivatives<1>(exec, grid.evaluator(), points, values, gradients, gradients);
}

/// Values, gradients (N, C, Dim) and Hessians
/// hessians(i, c, k, l) = d^2 f_c / d x_k d x_l (N, C, Dim, Dim), fused in one pass.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class Values, class Gradients, class Hessians>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> evaluate_hessians(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, Values const& values, Gradients const& gradients,
    Hessians const& hessians) {
  constexpr char const* fn = "splinegrid::evaluate_hessians";
  Compat::ScopedRegion region(fn);
  Impl::check_evaluate_arguments<ExecutionSpace>(fn, grid, points, values);
  Impl::static_check_view<ExecutionSpace, Scalar, 3, Gradients>();
  Impl::static_check_view<ExecutionSpace, Scalar, 4, Hessians>();
  Impl::require_gradients(fn, grid, points, gradients);
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  Impl::require_extent(hessians, 0, n, fn, "hessians");
  Impl::require_extent(hessians, 1, grid.channels(), fn, "hessians");
  Impl::require_extent(hessians, 2, Dim, fn, "hessians");
  Impl::require_extent(hessians, 3, Dim, fn, "hessians");
  Impl::launch_derivatives<2>(exec, grid.evaluator(), points, values, gradients, hessians);
}

/// evaluate_gradients() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class Values, class Gradients>
void evaluate_gradients(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
                        Values const& values, Gradients const& gradients) {
  evaluate_gradients(typename MemorySpace::execution_space{}, grid, points, values, gradients);
}

/// evaluate_hessians() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class Values, class Gradients,
          class Hessians>
void evaluate_hessians(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
                       Values const& values, Gradients const& gradients,
                       Hessians const& hessians) {
  evaluate_hessians(typename MemorySpace::execution_space{}, grid, points, values, gradients,
                    hessians);
}

}  // namespace splinegrid

#endif
