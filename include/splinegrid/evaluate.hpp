#ifndef SPLINEGRID_EVALUATE_HPP
#define SPLINEGRID_EVALUATE_HPP

/// @file
/// Batched forward evaluation: values, and values with gradients / Hessians.

#include <splinegrid/compat.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/view_checks.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid {
namespace Impl {

/// values(i, c) = grid(points(i, :)) for channel c. Torch: see Evaluator::stencils.
template <bool Torch, class EvaluatorType, class Points, class Values>
struct EvaluateValues {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Values values;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
    AxisStencil<Scalar, 0> st[Dim];
    eval.template stencils<0, Torch>(x, st);
    eval.for_each_channel_block([&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      Scalar acc[K];
      eval.template accumulate_values<K>(st, c0, acc);
      for (int c = 0; c < K; ++c) values(i, c0 + c) = acc[c];
    });
  }
};

/// Values, gradients (i, c, k) and, for Order 2, Hessians (i, c, k, l).
template <int Order, class EvaluatorType, class Points, class Values, class Gradients,
          class Hessians>
struct EvaluateDerivatives {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Values values;
  Gradients gradients;
  Hessians hessians;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
    AxisStencil<Scalar, Order> st[Dim];
    eval.stencils(x, st);
    eval.template for_each_channel_block<EvaluatorType::template derivative_block<Order>>(
        [&](auto block, int c0) {
          constexpr int K = decltype(block)::value;
          constexpr int E = derivative_entries<Dim, Order>;
          Scalar acc[K * E];
          eval.template accumulate_derivatives<K, Order>(st, c0, acc);
          for (int c = 0; c < K; ++c) {
            values(i, c0 + c) = acc[c * E];
            for (int k = 0; k < Dim; ++k)
              gradients(i, c0 + c, k) = acc[c * E + gradient_index<Dim, Order>(k)];
            if constexpr (Order >= 2) {
              for (int k = 0; k < Dim; ++k)
                for (int l = 0; l < Dim; ++l)
                  hessians(i, c0 + c, k, l) = acc[c * E + hessian_index<Dim, Order>(k, l)];
            }
          }
        });
  }
};

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
/// mismatches. NaN coordinates give NaN values.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class Values>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> evaluate(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, Values const& values) {
  Compat::ScopedRegion region("splinegrid::evaluate");
  Impl::check_evaluate_arguments<ExecutionSpace>("splinegrid::evaluate", grid, points, values);
  using Evaluator = typename Grid<Scalar, Dim, MemorySpace>::evaluator_type;
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  Policy const policy(exec, 0, static_cast<std::int64_t>(points.extent(0)));
  auto const eval = grid.evaluator();
  if (eval.torch_rules())
    Kokkos::parallel_for("splinegrid::evaluate", policy,
                         Impl::EvaluateValues<true, Evaluator, Points, Values>{eval, points, values});
  else
    Kokkos::parallel_for("splinegrid::evaluate", policy,
                         Impl::EvaluateValues<false, Evaluator, Points, Values>{eval, points, values});
}

/// evaluate() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class Values>
void evaluate(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
              Values const& values) {
  evaluate(typename MemorySpace::execution_space{}, grid, points, values);
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
  using Kernel =
      Impl::EvaluateDerivatives<1, typename Grid<Scalar, Dim, MemorySpace>::evaluator_type,
                                Points, Values, Gradients, Gradients>;
  Kokkos::parallel_for(fn,
                       Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
                           exec, 0, static_cast<std::int64_t>(points.extent(0))),
                       Kernel{grid.evaluator(), points, values, gradients, gradients});
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
  using Kernel =
      Impl::EvaluateDerivatives<2, typename Grid<Scalar, Dim, MemorySpace>::evaluator_type,
                                Points, Values, Gradients, Hessians>;
  Kokkos::parallel_for(fn,
                       Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
                           exec, 0, n),
                       Kernel{grid.evaluator(), points, values, gradients, hessians});
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
