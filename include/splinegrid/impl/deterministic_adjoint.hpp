#ifndef SPLINEGRID_IMPL_DETERMINISTIC_ADJOINT_HPP
#define SPLINEGRID_IMPL_DETERMINISTIC_ADJOINT_HPP

/// @file
/// Control-point gradient whose bits do not depend on thread count, backend
/// scheduling or run: points are sorted by the windows of control points their
/// stencils use (ties by point index), and each control point sums its
/// contributions alone, in a fixed order. Uses the same axis stencils as forward and
/// fast adjoint, for every Boundary.

#include <splinegrid/error.hpp>
#include <splinegrid/impl/axis_stencil.hpp>
#include <splinegrid/impl/kernel_variant.hpp>
#include <splinegrid/impl/permuted_rows.hpp>
#include <splinegrid/impl/window_sort.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Sort.hpp>

#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace splinegrid::Impl {

/// keys(i) = window(point i) * N + i: unique, so sorting them is deterministic
/// (with_index false: keys(i) = window(point i), for the counting sort).
/// window(point) numbers the tuple of per-axis stencil windows row-major. Variant
/// (KernelVariant) as in the batched kernels: under torch rules the stencils take
/// the inlined linear path (3D, both tables: 619 -> 338 instructions per point).
template <class Variant, class EvaluatorType, class Points, class Keys>
struct WindowKeys {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Keys keys;
  Kokkos::Array<std::int64_t, Dim> window_stride;
  std::int64_t n_points;
  bool with_index;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = static_cast<Scalar>(points(i, k));
    AxisStencil<Scalar, 0> st[Dim];
    eval.template stencils<0, Variant>(x, st);
    std::int64_t window = 0;
    for (int k = 0; k < Dim; ++k) window += st[k].window * window_stride[k];
    keys(i) = with_index ? window * n_points + i : window;
  }
};

/// For sorted position j: the point's per-axis tap weights, so the gather below
/// reads them in order. Reads the coordinates already in sorted order
/// (sorted_points(j, k) = points(permutation(j), k)): computing the stencils while
/// reading the points through the permutation kept few of those cache misses in
/// flight (3D, 1e6 points: 40% of a PointOrder's construction, against 12% for the
/// plain gather).
template <class Variant, class EvaluatorType, class SortedPoints, class Weights>
struct SortedWeights {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  SortedPoints sorted_points;
  Weights weights;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = sorted_points(j, k);
    AxisStencil<Scalar, 0> st[Dim];
    eval.template stencils<0, Variant>(x, st);
    for (int k = 0; k < Dim; ++k)
      for (int t = 0; t < 4; ++t) weights(j, k, t) = st[k].w[0][t];
  }
};

/// Calls f(Variant{}): torch rules (any channel count: the stencils do not depend
/// on it) or the general path.
template <class EvaluatorType, class F>
void with_stencil_variant(EvaluatorType const& eval, F&& f) {
  if (eval.torch_rules())
    f(KernelVariant<true, 0>{});
  else
    f(GeneralVariant{});
}

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

/// For every axis and control index p, the (window, tap) pairs whose tap weighs p,
/// sorted: entries[offsets[base_k + p] .. offsets[base_k + p + 1]) hold window*4+tap.
template <class Memory>
struct WindowTaps {
  Kokkos::View<std::int64_t*, Memory> offsets;
  Kokkos::View<std::int64_t*, Memory> entries;
};

template <class Memory, class EvaluatorType>
WindowTaps<Memory> make_window_taps(EvaluatorType const& eval,
                                    Kokkos::Array<std::int64_t, EvaluatorType::dimension>& base) {
  std::vector<std::int64_t> offsets, entries;
  for (int k = 0; k < EvaluatorType::dimension; ++k) {
    auto const& a = eval.axis(k);
    std::vector<std::vector<std::int64_t>> lists(static_cast<std::size_t>(a.n));
    for (std::int64_t v = 0; v < num_windows(a); ++v)
      for (int j = 0; j < 4; ++j) {
        std::int64_t const p = window_tap(a, v, j);
        if (p >= 0) lists[static_cast<std::size_t>(p)].push_back(v * 4 + j);
      }
    base[k] = static_cast<std::int64_t>(offsets.size());
    for (auto const& list : lists) {
      offsets.push_back(static_cast<std::int64_t>(entries.size()));
      entries.insert(entries.end(), list.begin(), list.end());
    }
    offsets.push_back(static_cast<std::int64_t>(entries.size()));
  }
  WindowTaps<Memory> taps{
      Kokkos::View<std::int64_t*, Memory>("splinegrid::adjoint::tap_offsets", offsets.size()),
      Kokkos::View<std::int64_t*, Memory>("splinegrid::adjoint::tap_entries", entries.size())};
  Kokkos::deep_copy(taps.offsets, Kokkos::View<std::int64_t*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                      offsets.data(), offsets.size()));
  Kokkos::deep_copy(taps.entries, Kokkos::View<std::int64_t*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>(
                                      entries.data(), entries.size()));
  return taps;
}

/// Partial sums per control row of the deterministic gather: a window's points
/// j = b, b+1, ... go to lane (j - b) mod gather_lanes, and the lanes are added
/// pairwise at the end, so consecutive points are independent multiply-adds that
/// vectorise (one AVX2 vector of doubles, or of floats) in a fixed order.
template <class Scalar>
inline constexpr int gather_lanes = 32 / int(sizeof(Scalar));

/// grad(r, c) += sum over the (window, tap) tuples that weigh control row r, in
/// lexicographic order, and over their points in sorted order (in gather_lanes
/// partial sums), of weight * grad_values(point, c). Weights and gradients are
/// column-major (point index fastest), so each tap's weights are contiguous.
/// Callgrind, 3D C=1, one call on 1e5 points, instructions per point: 617 with
/// point-major weights and one sum per row, 274 with these lanes.
template <class EvaluatorType, class SortedGradValues, class GradControlPoints, class Weights,
          class Begin, class Memory>
struct GatherControlPoints {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  static constexpr int L = gather_lanes<Scalar>;
  // row_block walks the point index through raw pointers (stride 1).
  static_assert(std::is_same_v<typename SortedGradValues::array_layout, Kokkos::LayoutLeft> &&
                    std::is_same_v<typename Weights::array_layout, Kokkos::LayoutLeft>,
                "GatherControlPoints: sorted gradients and weights must be LayoutLeft");
  EvaluatorType eval;
  SortedGradValues sorted_grad_values;  ///< (sorted j, c), LayoutLeft
  GradControlPoints grad;
  Weights weights;  ///< (sorted j, axis, tap), LayoutLeft
  Begin begin;
  WindowTaps<Memory> taps;
  Kokkos::Array<std::int64_t, Dim> base;
  Kokkos::Array<std::int64_t, Dim> window_stride;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    std::int64_t first[Dim], last[Dim];
    for (int k = 0; k < Dim; ++k) {
      auto const& a = eval.axis(k);
      std::int64_t const p = (r / a.stride) % a.n;
      first[k] = taps.offsets(base[k] + p);
      last[k] = taps.offsets(base[k] + p + 1);
      if (first[k] == last[k]) return;  // no window weighs this control point
    }
    // Four channels at a time: K * L partial sums stay in registers.
    eval.template for_each_channel_block<4>([&](auto block, int c0) { row_block<decltype(block)::value>(r, c0, first, last); });
  }

  template <int K>
  KOKKOS_INLINE_FUNCTION void row_block(std::int64_t r, int c0, std::int64_t const (&first)[Dim],
                                        std::int64_t const (&last)[Dim]) const {
    Scalar part[K][L];
    for (int c = 0; c < K; ++c)
      for (int l = 0; l < L; ++l) part[c][l] = Scalar(0);
    Scalar const* g[K];
    for (int c = 0; c < K; ++c) g[c] = &sorted_grad_values(0, c0 + c);
    std::int64_t e[Dim];
    for (int k = 0; k < Dim; ++k) e[k] = first[k];
    while (true) {
      std::int64_t window = 0;
      Scalar const* w[Dim];
      for (int k = 0; k < Dim; ++k) {
        std::int64_t const entry = taps.entries(e[k]);
        window += (entry / 4) * window_stride[k];
        w[k] = &weights(0, k, static_cast<int>(entry % 4));
      }
      std::int64_t const jb = begin(window), je = begin(window + 1);
      std::int64_t j = jb;
      for (; j + L <= je; j += L) {
        Scalar wl[L];
        SPLINEGRID_SIMD_LOOP
        for (int l = 0; l < L; ++l) {
          Scalar x = w[0][j + l];
          for (int k = 1; k < Dim; ++k) x *= w[k][j + l];
          wl[l] = x;
        }
        for (int c = 0; c < K; ++c) {
          SPLINEGRID_SIMD_LOOP
          for (int l = 0; l < L; ++l) part[c][l] = Compat::mul_add(wl[l], g[c][j + l], part[c][l]);
        }
      }
      for (int l = 0; j < je; ++j, ++l) {
        Scalar x = w[0][j];
        for (int k = 1; k < Dim; ++k) x *= w[k][j];
        for (int c = 0; c < K; ++c) part[c][l] = Compat::mul_add(x, g[c][j], part[c][l]);
      }
      int k = Dim - 1;
      while (k >= 0 && ++e[k] == last[k]) {
        e[k] = first[k];
        --k;
      }
      if (k < 0) break;
    }
    for (int c = 0; c < K; ++c) {
      for (int width = L / 2; width > 0; width /= 2)  // pairwise: (0+4)+(2+6), (1+5)+(3+7)...
        for (int l = 0; l < width; ++l) part[c][l] += part[c][l + width];
      grad(r, c0 + c) += part[c][0];
    }
  }
};

/// What the deterministic gather needs from the points, and only from the points and
/// the grid's geometry (not its control-point values): reusable while both stay
/// fixed (see PointOrder). permutation(j) = point at sorted position j.
template <class Scalar, int Dim, class Memory>
struct SortedStencils {
  Kokkos::View<std::int64_t*, Memory> permutation;
  Kokkos::View<Scalar***, Kokkos::LayoutLeft, Memory> weights;  ///< (sorted j, axis, tap)
  /// sorted_points(j, k) = points(permutation(j), k)
  Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory> sorted_points;
  Kokkos::View<std::int64_t*, Memory> begin;                       ///< (window + 1)
  WindowTaps<Memory> taps;
  Kokkos::Array<std::int64_t, Dim> base;
  Kokkos::Array<std::int64_t, Dim> window_stride;
};

/// permutation(j) = keys(j) mod N (the point index of sorted key j).
template <class Keys, class Permutation>
struct KeyPoints {
  Keys keys;
  Permutation permutation;
  std::int64_t n_points;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const { permutation(j) = keys(j) % n_points; }
};

/// Sorts the points by stencil window (ties by index) and tabulates their weights.
/// Extra memory O(N · (5·Dim + 2) + windows), windows = prod_k (stencil windows of
/// axis k), and with the counting sort O(parts · windows) (see WindowSort: `method`
/// picks the sort; all give the same order). Throws (naming `fn`) if the comparison
/// sort is taken and windows · N does not fit in 64 bits. Fences.
template <class ExecutionSpace, class EvaluatorType, class Points>
SortedStencils<typename EvaluatorType::value_type, EvaluatorType::dimension,
               typename ExecutionSpace::memory_space>
sort_stencils(ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
              char const* fn, WindowSort method = WindowSort::automatic) {
  using Scalar = typename EvaluatorType::value_type;
  using Memory = typename ExecutionSpace::memory_space;
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  constexpr int Dim = EvaluatorType::dimension;
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  SortedStencils<Scalar, Dim, Memory> s;
  std::int64_t windows = 1;
  for (int k = Dim - 1; k >= 0; --k) {
    s.window_stride[k] = windows;
    windows *= num_windows(eval.axis(k));
  }
  std::int64_t const parts = window_sort_parts(exec, n);
  bool const counting = use_counting_sort<ExecutionSpace>(method, parts, windows, n);
  // Only the comparison sort's keys (window * N + i) need the product to fit; the
  // counting sort's keys are window indices.
  require(counting || n <= 1 || windows <= std::numeric_limits<std::int64_t>::max() / n, fn,
          "deterministic strategy: windows x points overflows 64-bit sort keys");
  s.taps = make_window_taps<Memory>(eval, s.base);
  Kokkos::View<std::int64_t*, Memory> keys(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::sort_stencils::keys"), n);
  s.permutation = Kokkos::View<std::int64_t*, Memory>(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::sort_stencils::permutation"),
      n);
  s.weights = Kokkos::View<Scalar***, Kokkos::LayoutLeft, Memory>(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::sort_stencils::weights"),
      n, Dim, 4);
  s.begin = Kokkos::View<std::int64_t*, Memory>(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::sort_stencils::begin"),
      windows + 1);
  with_stencil_variant(eval, [&](auto variant) {
    using Keys = WindowKeys<decltype(variant), EvaluatorType, Points, decltype(keys)>;
    Kokkos::parallel_for("splinegrid::sort_stencils::window_keys", Policy(exec, 0, n),
                         Keys{eval, points, keys, s.window_stride, n, !counting});
  });
  if (counting) {
    counting_window_sort(exec, keys, windows, parts, s.permutation, s.begin);
  } else {
    exec.fence();
    // Keys are unique, so every correct sort gives the same order. Kokkos::BinSort
    // (bins by key, sorted within) even on host spaces, where Kokkos::sort would run
    // std::sort on one thread (3D C=1, 1e6 points, 2 threads, deterministic adjoint:
    // 2.5 -> 3.0 M points/s; equal at 1 thread).
    if (n > 1) Kokkos::sort(keys, true);
    Kokkos::parallel_for("splinegrid::sort_stencils::permutation", Policy(exec, 0, n),
                         KeyPoints<decltype(keys), decltype(s.permutation)>{keys, s.permutation, n});
    Kokkos::parallel_for("splinegrid::sort_stencils::bucket_begin", Policy(exec, 0, windows + 1),
                         BucketBegin<decltype(keys), decltype(s.begin)>{keys, s.begin, n});
  }
  s.sorted_points = decltype(s.sorted_points)(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::sort_stencils::points"), n,
      Dim);
  using Permuted = PermutedRows<Points, decltype(s.permutation)>;
  Kokkos::parallel_for("splinegrid::sort_stencils::sorted_points", Policy(exec, 0, n),
                       CopyRows<Permuted, decltype(s.sorted_points)>{
                           Permuted{points, s.permutation}, s.sorted_points});
  with_stencil_variant(eval, [&](auto variant) {
    using Weights = SortedWeights<decltype(variant), EvaluatorType, decltype(s.sorted_points),
                                  decltype(s.weights)>;
    Kokkos::parallel_for("splinegrid::sort_stencils::weights", Policy(exec, 0, n),
                         Weights{eval, s.sorted_points, s.weights});
  });
  exec.fence();
  return s;
}

/// Deterministic control-point gradient (see file comment) from sorted stencils,
/// added into `grad`. Extra memory O(N · C).
template <class ExecutionSpace, class EvaluatorType, class GradValues, class GradControlPoints>
void gather_control_point_gradient(
    ExecutionSpace const& exec, EvaluatorType const& eval,
    SortedStencils<typename EvaluatorType::value_type, EvaluatorType::dimension,
                   typename ExecutionSpace::memory_space> const& s,
    GradValues const& grad_values, GradControlPoints const& grad) {
  using Scalar = typename EvaluatorType::value_type;
  using Memory = typename ExecutionSpace::memory_space;
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  std::int64_t const n = static_cast<std::int64_t>(s.permutation.extent(0));
  std::int64_t const rows = static_cast<std::int64_t>(grad.extent(0));
  Kokkos::View<Scalar**, Kokkos::LayoutLeft, Memory> sorted_grad_values(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::sorted_grad"),
      n, grad.extent(1));
  using Permuted = PermutedRows<GradValues, std::decay_t<decltype(s.permutation)>>;
  Kokkos::parallel_for("splinegrid::adjoint::sort_grad_values", Policy(exec, 0, n),
                       CopyRows<Permuted, decltype(sorted_grad_values)>{
                           Permuted{grad_values, s.permutation}, sorted_grad_values});
  Kokkos::parallel_for(
      "splinegrid::adjoint::gather_control_points", Policy(exec, 0, rows),
      GatherControlPoints<EvaluatorType, decltype(sorted_grad_values), GradControlPoints,
                          decltype(s.weights), decltype(s.begin), Memory>{
          eval, sorted_grad_values, grad, s.weights, s.begin, s.taps, s.base, s.window_stride});
}

/// Deterministic control-point gradient, sorting the points first.
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class GradControlPoints>
void deterministic_control_point_gradient(ExecutionSpace const& exec, EvaluatorType const& eval,
                                          Points const& points, GradValues const& grad_values,
                                          GradControlPoints const& grad) {
  auto const s = sort_stencils(exec, eval, points, "splinegrid::adjoint");
  gather_control_point_gradient(exec, eval, s, grad_values, grad);
}

}  // namespace splinegrid::Impl

#endif
