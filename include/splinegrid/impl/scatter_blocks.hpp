#ifndef SPLINEGRID_IMPL_SCATTER_BLOCKS_HPP
#define SPLINEGRID_IMPL_SCATTER_BLOCKS_HPP

/// @file
/// Blocks of points sorted by stencil window (a PointOrder) whose control-point
/// gradients a thread may add without atomics: block b holds the points of windows
/// b·H .. (b+1)·H - 1 (window numbers as the sort's, row-major), with H larger than
/// the distance between any two windows that weigh a common control row, so blocks
/// b and b + 2 never touch the same row. The fast adjoint at sorted points then runs
/// the even blocks in parallel, then the odd ones (launch_adjoint_blocks), each
/// block's points in order on one thread: plain adds that stay in cache, where
/// atomics into a grid larger than the caches cost a contended read-modify-write each.

#include <splinegrid/impl/axis_stencil.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>

namespace splinegrid::Impl {

/// A bound on |v - w| over windows v, w of axis `a` whose stencils write a common
/// control index (the adjoint adds to every tap's row, zero weights included).
/// Index-mapped boundaries (mirror, reflect, wrap) fold taps back from the far end,
/// so any two windows may share: num_windows - 1. Otherwise window v writes indices
/// in v-2..v+3 (linear, n >= 4: start clamp(v-1, 0, n-4); n = 2, 3: v-1..v+2 clamped
/// into the axis; folded ghosts: v..v+3, capped at n-1), so |v - w| <= 5.
template <class Scalar>
std::int64_t window_reach(Axis<Scalar> const& a) {
  std::int64_t const windows = num_windows(a);
  return is_index_mapped(a.boundary) ? windows - 1 : std::min<std::int64_t>(5, windows - 1);
}

/// starts(b) = first sorted position of block b (b = 0..count; starts(count) = N).
template <class Memory>
struct ScatterBlocks {
  Kokkos::View<std::int64_t*, Memory> starts;
  std::int64_t count = 0;
};

/// The blocks of scatter_blocks: starts(b) = begin(min(b·span, windows)).
template <class Starts, class Begin>
struct BlockStarts {
  Starts starts;
  Begin begin;
  std::int64_t span;
  std::int64_t windows;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t b) const {
    starts(b) = begin(b * span < windows ? b * span : windows);
  }
};

/// Blocks of `sorted` (the sort of sort_stencils for `eval`'s geometry), each
/// spanning reach + 1 windows, reach = sum over axes of window_reach · window stride.
template <class ExecutionSpace, class EvaluatorType, class Sorted>
ScatterBlocks<typename ExecutionSpace::memory_space> scatter_blocks(ExecutionSpace const& exec,
                                                                    EvaluatorType const& eval,
                                                                    Sorted const& sorted) {
  using Memory = typename ExecutionSpace::memory_space;
  std::int64_t reach = 0;
  for (int k = 0; k < EvaluatorType::dimension; ++k)
    reach += window_reach(eval.axis(k)) * sorted.window_stride[k];
  std::int64_t const windows = static_cast<std::int64_t>(sorted.begin.extent(0)) - 1;
  std::int64_t const span = reach + 1;
  ScatterBlocks<Memory> blocks;
  blocks.count = (windows + span - 1) / span;
  blocks.starts = Kokkos::View<std::int64_t*, Memory>(
      Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::adjoint::block_starts"),
      blocks.count + 1);
  Kokkos::parallel_for(
      "splinegrid::adjoint::block_starts",
      Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(exec, 0, blocks.count + 1),
      BlockStarts<decltype(blocks.starts), decltype(sorted.begin)>{blocks.starts, sorted.begin, span,
                                                                  windows});
  return blocks;
}

}  // namespace splinegrid::Impl

#endif
