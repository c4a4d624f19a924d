#ifndef SPLINEGRID_IMPL_DETERMINISTIC_ADJOINT_HPP
#define SPLINEGRID_IMPL_DETERMINISTIC_ADJOINT_HPP

/// @file
/// Control-point gradient whose bits do not depend on thread count, backend
/// scheduling or run: points are sorted by the window of control points they touch
/// (ties by point index), and each control point sums its contributions alone, in
/// that fixed order. Uses the same axis stencils as forward and fast adjoint.

#include <splinegrid/error.hpp>
#include <splinegrid/impl/axis_stencil.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Sort.hpp>

#include <cstdint>
#include <limits>

namespace splinegrid::Impl {

/// keys(i) = window_row(point i) * N + i: unique, so sorting them is deterministic.
/// The window of a point starts at control index start_k = i_k - 1 in [-1, n_k - 2]
/// per axis; window_row numbers the shifted starts start_k + 1 like control rows.
template <class EvaluatorType, class Points, class Keys>
struct WindowKeys {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Keys keys;
  std::int64_t n_points;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    std::int64_t row = 0;
    for (int k = 0; k < Dim; ++k) {
      auto const st = make_axis_stencil<0>(eval.basis_matrix(), eval.axis(k),
                                           static_cast<Scalar>(points(i, k)));
      row += (st.start + 1) * eval.axis(k).stride;
    }
    keys(i) = row * n_points + i;
  }
};

/// For sorted position j: the point's per-axis tap weights and its dL/dvalues, so
/// the gather below reads memory in order.
template <class EvaluatorType, class Points, class GradValues, class Keys, class Weights,
          class SortedGradValues>
struct SortedWeights {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  GradValues grad_values;
  Keys keys;
  Weights weights;
  SortedGradValues sorted_grad_values;
  std::int64_t n_points;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const {
    std::int64_t const i = keys(j) % n_points;
    for (int c = 0; c < eval.channels(); ++c) sorted_grad_values(j, c) = grad_values(i, c);
    for (int k = 0; k < Dim; ++k) {
      auto const st = make_axis_stencil<0>(eval.basis_matrix(), eval.axis(k),
                                           static_cast<Scalar>(points(i, k)));
      for (int t = 0; t < 4; ++t) weights(j, k, t) = st.w[0][t];
    }
  }
};

/// begin(r) = first sorted position whose window row is >= r (binary search).
template <class Keys, class Begin>
struct BucketBegin {
  Keys keys;
  Begin begin;
  std::int64_t n_points;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    std::int64_t const target = r * n_points;
    std::int64_t lo = 0, hi = n_points;
    while (lo < hi) {
      std::int64_t const mid = lo + (hi - lo) / 2;
      if (keys(mid) < target) lo = mid + 1; else hi = mid;
    }
    begin(r) = lo;
  }
};

/// grad(r, c) (+)= sum over windows covering control row r, in lexicographic window
/// order, and over their points in sorted order, of weight * grad_values(point, c).
template <class EvaluatorType, class SortedGradValues, class GradControlPoints, class Weights,
          class Begin>
struct GatherControlPoints {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  SortedGradValues sorted_grad_values;
  GradControlPoints grad;
  Weights weights;
  Begin begin;
  bool accumulate;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    std::int64_t p[Dim], lo[Dim], hi[Dim], s[Dim];
    for (int k = 0; k < Dim; ++k) {
      auto const& a = eval.axis(k);
      p[k] = (r / a.stride) % a.n;
      // Windows starting at s cover control indices s..s+3, s in [-1, n-2].
      lo[k] = p[k] - 3 > -1 ? p[k] - 3 : -1;
      hi[k] = p[k] < a.n - 2 ? p[k] : a.n - 2;
    }
    eval.for_each_channel_block([&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      Scalar acc[K];
      for (int c = 0; c < K; ++c) acc[c] = Scalar(0);
      for (int k = 0; k < Dim; ++k) s[k] = lo[k];
      while (true) {
        std::int64_t window = 0;
        for (int k = 0; k < Dim; ++k) window += (s[k] + 1) * eval.axis(k).stride;
        for (std::int64_t j = begin(window); j < begin(window + 1); ++j) {
          Scalar w = weights(j, 0, p[0] - s[0]);
          for (int k = 1; k < Dim; ++k) w *= weights(j, k, p[k] - s[k]);
          for (int c = 0; c < K; ++c) acc[c] += w * sorted_grad_values(j, c0 + c);
        }
        int k = Dim - 1;
        while (k >= 0 && ++s[k] > hi[k]) {
          s[k] = lo[k];
          --k;
        }
        if (k < 0) break;
      }
      for (int c = 0; c < K; ++c)
        grad(r, c0 + c) = accumulate ? grad(r, c0 + c) + acc[c] : acc[c];
    });
  }
};

/// Deterministic control-point gradient (see file comment). Extra memory
/// O(N · (4·Dim + C + 1) + rows). Throws if rows · N does not fit in 64 bits.
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class GradControlPoints>
void deterministic_control_point_gradient(ExecutionSpace const& exec, EvaluatorType const& eval,
                                          Points const& points, GradValues const& grad_values,
                                          GradControlPoints const& grad, bool accumulate) {
  using Scalar = typename EvaluatorType::value_type;
  using Memory = typename ExecutionSpace::memory_space;
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  std::int64_t const rows = static_cast<std::int64_t>(grad.extent(0));
  require(n <= 1 || rows <= std::numeric_limits<std::int64_t>::max() / n, "splinegrid::adjoint",
          "deterministic strategy: control points x points overflows 64-bit sort keys");
  Kokkos::View<std::int64_t*, Memory> keys(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::keys"), n);
  Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory> sorted_grad_values(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::sorted_grad"),
      n, grad.extent(1));
  Kokkos::View<Scalar***, Kokkos::LayoutRight, Memory> weights(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::weights"), n,
      EvaluatorType::dimension, 4);
  Kokkos::View<std::int64_t*, Memory> begin(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::begin"),
      rows + 1);
  Kokkos::parallel_for("splinegrid::adjoint::window_keys", Policy(exec, 0, n),
                       WindowKeys<EvaluatorType, Points, decltype(keys)>{eval, points, keys, n});
  exec.fence();
  Kokkos::sort(keys);  // keys are unique, so every correct sort gives the same order
  Kokkos::parallel_for(
      "splinegrid::adjoint::sorted_weights", Policy(exec, 0, n),
      SortedWeights<EvaluatorType, Points, GradValues, decltype(keys), decltype(weights),
                    decltype(sorted_grad_values)>{eval, points, grad_values, keys, weights,
                                                  sorted_grad_values, n});
  Kokkos::parallel_for("splinegrid::adjoint::bucket_begin", Policy(exec, 0, rows + 1),
                       BucketBegin<decltype(keys), decltype(begin)>{keys, begin, n});
  Kokkos::parallel_for(
      "splinegrid::adjoint::gather_control_points", Policy(exec, 0, rows),
      GatherControlPoints<EvaluatorType, decltype(sorted_grad_values), GradControlPoints,
                          decltype(weights), decltype(begin)>{eval, sorted_grad_values, grad,
                                                              weights, begin, accumulate});
}

}  // namespace splinegrid::Impl

#endif
