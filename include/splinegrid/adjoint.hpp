#ifndef SPLINEGRID_ADJOINT_HPP
#define SPLINEGRID_ADJOINT_HPP

/// @file
/// Adjoint (backward pass) of evaluate(): gradients of a loss with respect to the
/// control points and to the point coordinates.

#include <splinegrid/compat.hpp>
#include <splinegrid/evaluate.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/adjoint_scatter.hpp>
#include <splinegrid/impl/chunk_stencils.hpp>
#include <splinegrid/impl/deterministic_adjoint.hpp>
#include <splinegrid/impl/permuted_rows.hpp>
#include <splinegrid/impl/scatter_blocks.hpp>
#include <splinegrid/impl/view_checks.hpp>
#include <splinegrid/point_order.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid {

/// How adjoint() accumulates the control-point gradient.
enum class AdjointStrategy {
  /// One pass over the points scattering into the gradient: per-thread copies on
  /// host backends when they fit (summed afterwards), atomics otherwise and on
  /// GPUs. Rounding depends on thread scheduling (last-bit differences).
  fast,
  /// Bitwise identical for any thread count, backend schedule and run: points are
  /// sorted by the control points they touch and every control point sums its
  /// contributions alone in a fixed order. Extra O(N) memory and a sort.
  deterministic
};

/// Options of adjoint().
struct AdjointOptions {
  AdjointStrategy strategy = AdjointStrategy::fast;  ///< see AdjointStrategy
  /// false: grad_control_points is overwritten; true: the gradient is added to it
  /// (e.g. to sum mini-batches). grad_points is always overwritten.
  bool accumulate = false;
};

namespace Impl {

/// Per point: dL/dx into grad_points and, with a scatter view, dL/dc into it.
/// Specialised on Variant (see KernelVariant). With `chunked` (CPU spaces, grids that
/// suit it: chunking_fits), the stencils of each chunk_points consecutive points are
/// computed together, vectorised across the points (ChunkAxisStencils): the same
/// stencils, so the same results bit for bit (see chunk_stencils.hpp). Callgrind,
/// fast adjoint, instructions per point (incl. input generation): 3D double 901 ->
/// 819, float 864 -> 719, 2D 501 -> 459, 1D 277 -> 208, 3D C=8 2888 -> 2783.
template <class Variant, class EvaluatorType, class Points, class GradValues, class ScatterType,
          class GradPoints>
struct AdjointKernel {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  static constexpr bool with_scatter = !std::is_same<ScatterType, void*>::value;
  /// The chunked stencils are compiled for torch rules on spaces whose points the
  /// host reads (CPU kernels; not GPU code).
  static constexpr bool may_chunk =
      Variant::torch &&
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename Points::memory_space>::accessible;
  EvaluatorType eval;
  Points points;
  GradValues grad_values;
  ScatterType scatter;
  GradPoints grad_points;
  bool with_grad_points;
  std::int64_t points_per_item;  // consecutive points per work item (see launch_adjoint)
  bool chunked;                  // stencils by chunks (needs may_chunk, chunking_fits)
  ChunkBounds<Scalar, Dim> bounds;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t item) const {
    std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
    std::int64_t const begin = item * points_per_item;
    std::int64_t const end = begin + points_per_item < n ? begin + points_per_item : n;
    if constexpr (with_scatter) {
      auto access = scatter.access();  // once per item: it acquires a thread token
      range(begin, end, access);
    } else {
      typename EvaluatorType::NoScatter none;
      range(begin, end, none);
    }
  }

  template <class Access>
  KOKKOS_INLINE_FUNCTION void range(std::int64_t begin, std::int64_t end, Access& access) const {
    std::int64_t i = begin;
    if constexpr (may_chunk) {
      if (chunked) {
        for (; i + chunk_points <= end; i += chunk_points) chunk(i, access);
      }
    }
    for (; i < end; ++i) {
      Scalar x[Dim];
      for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
      AxisStencil<Scalar, 1> st[Dim];
      eval.template stencils<1, Variant>(x, st);
      point(i, st, access);
    }
  }

  template <class Access>
  KOKKOS_INLINE_FUNCTION void chunk(std::int64_t p0, Access& access) const {
    for_each_chunk_point<1>(eval, points, bounds, p0, PointSink<Access>{*this, access});
  }

  /// The chunk loop's sink: point() with this work item's scatter access.
  template <class Access>
  struct PointSink {
    AdjointKernel const& kernel;
    Access& access;
    KOKKOS_FORCEINLINE_FUNCTION void operator()(std::int64_t i,
                                                AxisStencil<Scalar, 1> const (&st)[Dim]) const {
      kernel.point(i, st, access);
    }
  };

  template <class Access>
  KOKKOS_INLINE_FUNCTION void point(std::int64_t i, AxisStencil<Scalar, 1> const (&st)[Dim],
                                    Access& access) const {
    Scalar gp[Dim] = {};
    run(i, st, access, gp);
    if (with_grad_points)
      for (int k = 0; k < Dim; ++k) grad_points(i, k) = gp[k];
  }

  template <class Access>
  KOKKOS_FORCEINLINE_FUNCTION void run(std::int64_t i, AxisStencil<Scalar, 1> const (&st)[Dim],
                                       Access& access, Scalar (&gp)[Dim]) const {
    eval.template for_each_channel_block_of<Variant>(Block<Access>{*this, i, st, access, gp});
  }

  /// One channel block of run(): a functor rather than a lambda so that its call is
  /// force-inlined (GCC outlined the lambda once the stencils came from chunks:
  /// 3D C=1, 828 instructions per point, 815 with this functor).
  template <class Access>
  struct Block {
    AdjointKernel const& kernel;
    std::int64_t i;
    AxisStencil<Scalar, 1> const (&st)[Dim];
    Access& access;
    Scalar (&gp)[Dim];
    template <class BlockSize>
    KOKKOS_FORCEINLINE_FUNCTION void operator()(BlockSize, int c0) const {
      constexpr int K = BlockSize::value;
      Scalar g[K];
      for (int c = 0; c < K; ++c) g[c] = kernel.grad_values(i, c0 + c);
      kernel.eval.template accumulate_adjoint<K, Variant::channels>(st, c0, g, access, gp);
    }
  };
};

/// Calls launch(kernel) with the AdjointKernel of the variant that fits `eval`
/// (per_item consecutive points per work item; allow_chunks = false keeps every
/// point's stencils per point).
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class ScatterType, class GradPoints, class Launch>
void with_adjoint_kernel(EvaluatorType const& eval, Points const& points,
                         GradValues const& grad_values, ScatterType const& scatter,
                         GradPoints const& grad_points, bool with_grad_points,
                         std::int64_t per_item, bool allow_chunks, Launch&& launch) {
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                                   typename ExecutionSpace::memory_space>::accessible;
  with_kernel_variant(eval, [&](auto variant) {
    using Kernel = AdjointKernel<decltype(variant), EvaluatorType, Points, GradValues,
                                 ScatterType, GradPoints>;
    bool const chunked = Kernel::may_chunk && host && allow_chunks && chunking_fits(eval);
    launch(Kernel{eval, points, grad_values, scatter, grad_points, with_grad_points, per_item,
                  chunked,
                  ChunkBounds<typename EvaluatorType::value_type, EvaluatorType::dimension>(eval)});
  });
}

/// Runs AdjointKernel over `points`; allow_chunks = false keeps every point's
/// stencils per point (tests compare both).
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class ScatterType, class GradPoints>
void launch_adjoint(ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
                    GradValues const& grad_values, ScatterType const& scatter,
                    GradPoints const& grad_points, bool with_grad_points,
                    bool allow_chunks = true) {
  // CPU threads take 32 consecutive points per work item (one chunk of stencils), so
  // the scatter's per-thread copy is looked up once per 32 points (64 ran no faster);
  // GPU threads take one point each.
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                                   typename ExecutionSpace::memory_space>::accessible;
  std::int64_t const per_item = host ? 32 : 1;
  static_assert(32 % chunk_points == 0, "splinegrid: a CPU work item holds whole chunks");
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  Policy const policy(exec, 0, (n + per_item - 1) / per_item);
  with_adjoint_kernel<ExecutionSpace>(
      eval, points, grad_values, scatter, grad_points, with_grad_points, per_item, allow_chunks,
      [&](auto const& kernel) { Kokkos::parallel_for("splinegrid::adjoint", policy, kernel); });
}

/// Work item i of round `round` (0 or 1) of launch_adjoint_blocks: the points of
/// block b = 2i + round, starts(b) .. starts(b + 1) - 1, in order on one thread.
template <class Kernel, class Starts>
struct AdjointBlockRound {
  Kernel kernel;
  Starts starts;
  std::int64_t round;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    std::int64_t const b = 2 * i + round;
    auto access = kernel.scatter.access();
    kernel.range(starts(b), starts(b + 1), access);
  }
};

/// AdjointKernel over points sorted by window, by the blocks of scatter_blocks: the
/// even blocks in parallel, then the odd ones, so no two threads add to a row at
/// the same time and `scatter` may be a DirectScatter. The order of the adds to each
/// row depends only on the blocks, not on the threads.
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class ScatterType, class GradPoints, class Blocks>
void launch_adjoint_blocks(ExecutionSpace const& exec, EvaluatorType const& eval,
                           Points const& points, GradValues const& grad_values,
                           ScatterType const& scatter, GradPoints const& grad_points,
                           bool with_grad_points, Blocks const& blocks) {
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  with_adjoint_kernel<ExecutionSpace>(
      eval, points, grad_values, scatter, grad_points, with_grad_points, 0, true,
      [&](auto const& kernel) {
        using Round = AdjointBlockRound<std::decay_t<decltype(kernel)>, decltype(blocks.starts)>;
        for (std::int64_t round = 0; round < 2; ++round)
          Kokkos::parallel_for("splinegrid::adjoint::blocks",
                               Policy(exec, 0, (blocks.count - round + 1) / 2),
                               Round{kernel, blocks.starts, round});
      });
}

/// Gradients up to this size (4 MiB, about a core's L2 cache) take per-thread copies
/// in the fast adjoint at sorted points, larger ones blocks of sorted points (see
/// sorted_fast_adjoint).
inline constexpr double sorted_blocks_min_bytes = 4.0 * 1024 * 1024;

/// True if per-thread copies of `grad` suit the fast adjoint of n points: at most
/// 256 MiB in all, and no more rows than point contributions (n · 4^Dim).
template <int Dim, class Grad>
bool private_copies_fit(std::int64_t copies, std::int64_t n, Grad const& grad) {
  double const rows = static_cast<double>(grad.extent(0));
  double const bytes = static_cast<double>(copies) * rows * static_cast<double>(grad.extent(1)) *
                       sizeof(typename Grad::value_type);
  double contributions = static_cast<double>(n);
  for (int k = 0; k < Dim; ++k) contributions *= 4;
  return bytes <= 256.0 * 1024 * 1024 && rows <= contributions;
}

/// Fast strategy on per-thread private copies of the gradient, one per slot of
/// `token` (CPU spaces; the caller checked private_copies_fit), summed into `grad`.
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class GradControlPoints, class GradPoints>
void private_copies_adjoint(
    ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
    GradValues const& grad_values, GradControlPoints const& grad, GradPoints const& grad_points,
    bool with_grad_points,
    typename PrivateScatter<typename EvaluatorType::value_type, ExecutionSpace>::Token const&
        token) {
  using Private = PrivateScatter<typename EvaluatorType::value_type, ExecutionSpace>;
  Private scatter{typename Private::Copies(
                      Kokkos::view_alloc(exec, std::string("splinegrid::adjoint::copies")),
                      token.size(), grad.extent(0), grad.extent(1)),
                  token};
  launch_adjoint(exec, eval, points, grad_values, scatter, grad_points, with_grad_points);
  sum_copies_into(exec, scatter.copies, grad);
}

/// Fast strategy: per-thread private copies on CPU spaces when they are small
/// (private_copies_fit), atomics otherwise (GPU spaces, large grids). See
/// impl/adjoint_scatter.hpp.
template <class ExecutionSpace, class EvaluatorType, class Points, class GradValues,
          class GradControlPoints, class GradPoints>
void fast_adjoint(ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
                  GradValues const& grad_values, GradControlPoints const& grad,
                  GradPoints const& grad_points, bool with_grad_points) {
  using Scalar = typename EvaluatorType::value_type;
  using Memory = typename GradControlPoints::memory_space;
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                                   typename ExecutionSpace::memory_space>::accessible;
  if constexpr (host) {
    typename PrivateScatter<Scalar, ExecutionSpace>::Token const token(exec);
    if (private_copies_fit<EvaluatorType::dimension>(token.size(),
                                                     static_cast<std::int64_t>(points.extent(0)), grad)) {
      private_copies_adjoint(exec, eval, points, grad_values, grad, grad_points, with_grad_points,
                             token);
      return;
    }
  }
  AtomicScatter<Scalar, Memory> scatter{grad};
  launch_adjoint(exec, eval, points, grad_values, scatter, grad_points, with_grad_points);
}

/// Fast strategy at the points of a PointOrder. On CPU spaces, for a gradient larger
/// than sorted_blocks_min_bytes, by blocks that own their rows
/// (launch_adjoint_blocks: the kernel walks the order's sorted copy of the points,
/// plain adds to rows in cache) when there are at least 4 blocks per thread; else,
/// where per-thread copies fit, private_copies_adjoint on the points as given; else atomics
/// in sorted order (GPU spaces), which hit neighbouring rows. In sorted order
/// grad_values are read and grad_points written through the permutation (the
/// blocks: copied into sorted order and back, extra memory O(N · (C + Dim))): the
/// same per-point results as fast_adjoint, bit for bit. Standalone harness, 3D C=1
/// double, 1e6 points, 2 threads, M points/s, fast_adjoint -> blocks (reading
/// through the permutation; with the copies): 64^3 4.0-6.1 -> 4.6-5.1, 128^3
/// 1.9-2.1 -> 4.6-4.9 (7.7-8.5), 256^3 0.9-1.0 -> 2.7-2.8 (3.3-3.7); at 16^3 and
/// 32^3 there are too few blocks, and atomics in sorted order ran 2 against 10-13
/// with copies.
template <class ExecutionSpace, class EvaluatorType, class Points, class Order, class GradValues,
          class GradControlPoints, class GradPoints>
void sorted_fast_adjoint(ExecutionSpace const& exec, EvaluatorType const& eval,
                         Points const& points, Order const& order, GradValues const& grad_values,
                         GradControlPoints const& grad, GradPoints const& grad_points,
                         bool with_grad_points) {
  using Scalar = typename EvaluatorType::value_type;
  using Memory = typename GradControlPoints::memory_space;
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                                   typename ExecutionSpace::memory_space>::accessible;
  auto const perm = order.permutation();
  using SortedGradValues = PermutedRows<GradValues, std::decay_t<decltype(perm)>>;
  using SortedGradPoints = PermutedRows<GradPoints, std::decay_t<decltype(perm)>>;
  SortedGradValues const sorted_grad_values{grad_values, perm};
  SortedGradPoints const sorted_grad_points{grad_points, perm};
  if constexpr (host) {
    double const bytes = static_cast<double>(grad.extent(0)) * static_cast<double>(grad.extent(1)) *
                         sizeof(Scalar);
    if (bytes > sorted_blocks_min_bytes) {
      auto const blocks = scatter_blocks(exec, eval, order.stencils());
      if (blocks.count >= 4 * static_cast<std::int64_t>(Compat::concurrency(exec))) {
        // grad_values gathered into sorted order and grad_points scattered back in
        // passes of their own: the kernel reading and writing through the permutation
        // ran 1.2-1.7x slower (128^3: 4.6-4.8 against 7.7-8.5 M points/s).
        using Rows = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;
        using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
        std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
        Rows const values(Kokkos::view_alloc(exec, Kokkos::WithoutInitializing,
                                             "splinegrid::adjoint::sorted_grad_values"),
                          n, grad.extent(1));
        Rows const slopes(Kokkos::view_alloc(exec, Kokkos::WithoutInitializing,
                                             "splinegrid::adjoint::sorted_grad_points"),
                          with_grad_points ? n : 0, EvaluatorType::dimension);
        Kokkos::parallel_for("splinegrid::adjoint::sort_grad_values", Policy(exec, 0, n),
                             CopyRows<SortedGradValues, Rows>{sorted_grad_values, values});
        launch_adjoint_blocks(exec, eval, order.sorted_points(), values,
                              DirectScatter<Scalar, Memory>{grad}, slopes, with_grad_points,
                              blocks);
        if (with_grad_points)
          Kokkos::parallel_for("splinegrid::adjoint::unsort_grad_points", Policy(exec, 0, n),
                               CopyRows<Rows, SortedGradPoints>{slopes, sorted_grad_points});
        return;
      }
    }
    typename PrivateScatter<Scalar, ExecutionSpace>::Token const token(exec);
    if (private_copies_fit<EvaluatorType::dimension>(
            token.size(), static_cast<std::int64_t>(points.extent(0)), grad)) {
      private_copies_adjoint(exec, eval, points, grad_values, grad, grad_points,
                             with_grad_points, token);
      return;
    }
  }
  launch_adjoint(exec, eval, order.sorted_points(), sorted_grad_values,
                 AtomicScatter<Scalar, Memory>{grad}, sorted_grad_points, with_grad_points);
}

}  // namespace Impl

namespace Impl {

/// adjoint() with optional prebuilt sorted tables (sorted != nullptr: the
/// deterministic strategy gathers on them without sorting) and an optional point
/// order (order != nullptr: the fast strategy scatters in its order,
/// sorted_fast_adjoint).
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class GradValues, class GradControlPoints, class GradPoints>
void run_adjoint(ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
                 Points const& points, GradValues const& grad_values,
                 GradControlPoints const& grad_control_points, GradPoints const& grad_points,
                 AdjointOptions const& options,
                 SortedStencils<Scalar, Dim, MemorySpace> const* sorted, char const* fn,
                 PointOrder<Scalar, Dim, MemorySpace> const* order = nullptr) {
  using GridType = Grid<Scalar, Dim, MemorySpace>;
  check_evaluate_arguments<ExecutionSpace>(fn, grid, points, grad_values);
  static_assert(std::is_same<GradControlPoints, typename GridType::control_points_type>::value,
                "splinegrid::adjoint: grad_control_points must be Grid::control_points_type");
  static_check_view<ExecutionSpace, Scalar, 2, GradPoints>();
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  bool const with_cp = grad_control_points.extent(0) != 0;
  bool const with_points = grad_points.extent(0) != 0;
  if (with_cp) {
    require_extent(grad_control_points, 0, grid.num_control_points(), fn, "grad_control_points");
    require_extent(grad_control_points, 1, grid.channels(), fn, "grad_control_points");
  }
  if (with_points) {
    require_extent(grad_points, 0, n, fn, "grad_points");
    require_extent(grad_points, 1, Dim, fn, "grad_points");
  }
  require(options.strategy == AdjointStrategy::fast ||
              options.strategy == AdjointStrategy::deterministic,
          fn, "unknown AdjointStrategy");
  if (with_cp && !options.accumulate)
    Kokkos::deep_copy(exec, grad_control_points, Scalar(0));
  if (n == 0) return;
  auto const eval = grid.evaluator();
  if (with_cp && options.strategy == AdjointStrategy::fast) {
    if (order)
      sorted_fast_adjoint(exec, eval, points, *order, grad_values, grad_control_points,
                          grad_points, with_points);
    else
      fast_adjoint(exec, eval, points, grad_values, grad_control_points, grad_points, with_points);
    return;
  }
  if (with_cp && sorted)
    gather_control_point_gradient(exec, eval, *sorted, grad_values, grad_control_points);
  else if (with_cp)
    deterministic_control_point_gradient(exec, eval, points, grad_values, grad_control_points);
  if (with_points)
    launch_adjoint(exec, eval, points, grad_values, static_cast<void*>(nullptr), grad_points,
                   true);
}

}  // namespace Impl

/// Backward pass of evaluate() for a loss L(values):
///   grad_control_points(r, c) = sum_i grad_values(i, c) · d values(i, c) / d cp(r, c)
///   grad_points(i, k)         = sum_c grad_values(i, c) · d values(i, c) / d points(i, k)
///
/// points (N, Dim), grad_values (N, C) = dL/dvalues; grad_control_points has the
/// grid's control-point shape (rows, C) (see Grid); grad_points (N, Dim). Pass an
/// empty View (extent(0) == 0) for an output you do not need. grad_points is 0 along
/// axes where the point was clamped (strictly outside the domain) and the one-sided
/// slope exactly on the boundary, as torch's clamp. Cost O(N · 4^Dim · C).
/// Asynchronous on `exec`, except the deterministic strategy which fences for its sort.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class GradValues, class GradControlPoints, class GradPoints>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> adjoint(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, GradValues const& grad_values,
    GradControlPoints const& grad_control_points, GradPoints const& grad_points,
    AdjointOptions const& options = {}) {
  constexpr char const* fn = "splinegrid::adjoint";
  Compat::ScopedRegion region(fn);
  Impl::run_adjoint(exec, grid, points, grad_values, grad_control_points, grad_points, options,
                    static_cast<Impl::SortedStencils<Scalar, Dim, MemorySpace> const*>(nullptr),
                    fn);
}

/// adjoint() at points sorted once by a PointOrder built for them and for this grid's
/// geometry. AdjointStrategy::deterministic: the control-point gradient is bitwise
/// the deterministic strategy's, at no sort per call (the order's tables are
/// reused). AdjointStrategy::fast: for grids larger than the caches, where the fast
/// strategy's scatter collapses (README, Performance: 256^3). On CPU spaces, for a
/// gradient over 4 MiB, the kernel walks the points in sorted order by blocks of
/// windows that no two threads share at a time (plain adds into rows in cache, no
/// atomics; the sums' order depends on the order's blocks, not on the threads, and
/// differs from the deterministic strategy's), when there are at least 4 blocks per
/// thread. Else, where per-thread copies fit, it is adjoint() without the order;
/// else (GPU spaces, index-mapped axes) atomics in sorted order. grad_points as
/// adjoint(), bit for bit. Throws if the order does not match the grid's geometry
/// or the points (see PointOrder::check). Fences `exec`.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class GradValues, class GradControlPoints, class GradPoints>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> adjoint(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, GradValues const& grad_values,
    GradControlPoints const& grad_control_points, GradPoints const& grad_points,
    PointOrder<Scalar, Dim, MemorySpace> const& order, AdjointOptions const& options) {
  constexpr char const* fn = "splinegrid::adjoint";
  Compat::ScopedRegion region(fn);
  Impl::check_evaluate_arguments<ExecutionSpace>(fn, grid, points, grad_values);
  order.check(exec, fn, grid, points);
  Impl::run_adjoint(exec, grid, points, grad_values, grad_control_points, grad_points, options,
                    &order.stencils(), fn, &order);
}

/// adjoint() with a PointOrder and the deterministic strategy; `accumulate` as
/// AdjointOptions::accumulate.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace, class Points,
          class GradValues, class GradControlPoints, class GradPoints>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value> adjoint(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Points const& points, GradValues const& grad_values,
    GradControlPoints const& grad_control_points, GradPoints const& grad_points,
    PointOrder<Scalar, Dim, MemorySpace> const& order, bool accumulate = false) {
  AdjointOptions options;
  options.strategy = AdjointStrategy::deterministic;
  options.accumulate = accumulate;
  adjoint(exec, grid, points, grad_values, grad_control_points, grad_points, order, options);
}

/// adjoint() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class GradValues,
          class GradControlPoints, class GradPoints>
void adjoint(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
             GradValues const& grad_values, GradControlPoints const& grad_control_points,
             GradPoints const& grad_points, AdjointOptions const& options = {}) {
  adjoint(typename MemorySpace::execution_space{}, grid, points, grad_values,
          grad_control_points, grad_points, options);
}

/// adjoint() with a PointOrder on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class GradValues,
          class GradControlPoints, class GradPoints>
void adjoint(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
             GradValues const& grad_values, GradControlPoints const& grad_control_points,
             GradPoints const& grad_points, PointOrder<Scalar, Dim, MemorySpace> const& order,
             bool accumulate = false) {
  adjoint(typename MemorySpace::execution_space{}, grid, points, grad_values,
          grad_control_points, grad_points, order, accumulate);
}

/// adjoint() with a PointOrder and options on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace, class Points, class GradValues,
          class GradControlPoints, class GradPoints>
void adjoint(Grid<Scalar, Dim, MemorySpace> const& grid, Points const& points,
             GradValues const& grad_values, GradControlPoints const& grad_control_points,
             GradPoints const& grad_points, PointOrder<Scalar, Dim, MemorySpace> const& order,
             AdjointOptions const& options) {
  adjoint(typename MemorySpace::execution_space{}, grid, points, grad_values,
          grad_control_points, grad_points, order, options);
}

}  // namespace splinegrid

#endif
