#ifndef SPLINEGRID_IMPL_WINDOW_SORT_HPP
#define SPLINEGRID_IMPL_WINDOW_SORT_HPP

/// @file
/// The deterministic strategy's sort: points ordered by the stencil window they
/// touch, ties by point index. That order is unique, so every method below gives the
/// same permutation (and so the same gradient bits); the method decides only the
/// speed and the extra memory.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>

namespace splinegrid::Impl {

/// How sort_stencils orders the points (every method gives the same order).
/// - counting: stable counting sort by window. The points are cut into `parts`
///   contiguous ranges; one work item per range counts its points per window, an
///   exclusive scan over (window, range) gives each range its first position in each
///   window, and the same work item places its points there in index order.
///   O(N + parts · windows) work and parts · windows counters; suits host spaces
///   (a few long work items) and grids with not many more windows than points.
/// - comparison: Kokkos::sort of the unique keys window · N + i (Kokkos::BinSort,
///   then a sort within bins; every backend), then one binary search per window for
///   its first sorted point.
/// - automatic: counting on host-accessible execution spaces when
///   parts · windows <= N + 2^16, comparison otherwise.
enum class WindowSort { automatic, counting, comparison };

/// Ranges of the counting sort for `n` points on `exec`: one per thread (at least
/// 4096 points each), so each thread walks one contiguous range of the keys.
template <class ExecutionSpace>
std::int64_t window_sort_parts(ExecutionSpace const& exec, std::int64_t n) {
  std::int64_t const threads = std::max<std::int64_t>(1, exec.concurrency());
  return std::max<std::int64_t>(1, std::min(threads, n / 4096));
}

/// Whether sort_stencils takes the counting sort (see WindowSort).
template <class ExecutionSpace>
bool use_counting_sort(WindowSort method, std::int64_t parts, std::int64_t windows,
                       std::int64_t n) {
  if (method != WindowSort::automatic) return method == WindowSort::counting;
  constexpr bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecutionSpace::memory_space>::accessible;
  return host && windows <= (n + (std::int64_t(1) << 16)) / parts;
}

/// The counting sort's two passes over the points (see WindowSort): `windows_of(i)`
/// is point i's window; `next(p, w)` holds range p's count of window w after Count,
/// the next free sorted position for range p in window w during Place.
template <class Windows, class Next, class Permutation>
struct CountingWindowSort {
  struct Count {};
  struct Place {};
  Windows windows_of;
  Next next;
  Permutation permutation;
  std::int64_t n_points;
  std::int64_t parts;

  /// First point of range p (ranges differ in length by at most one point).
  KOKKOS_INLINE_FUNCTION std::int64_t first(std::int64_t p) const {
    std::int64_t const q = n_points / parts, r = n_points % parts;
    return q * p + (p < r ? p : r);
  }
  KOKKOS_INLINE_FUNCTION void operator()(Count, std::int64_t p) const {
    std::int64_t const end = first(p + 1);
    for (std::int64_t i = first(p); i < end; ++i) next(p, windows_of(i)) += 1;
  }
  KOKKOS_INLINE_FUNCTION void operator()(Place, std::int64_t p) const {
    std::int64_t const end = first(p + 1);
    for (std::int64_t i = first(p); i < end; ++i) permutation(next(p, windows_of(i))++) = i;
  }
};

/// Exclusive scan over windows, ranges in order within each window: begin(w) = first
/// sorted position of window w (begin(windows) = N), next(p, w) = first position of
/// range p's points in window w (on entry: their count).
template <class Next, class Begin>
struct WindowOffsets {
  Next next;
  Begin begin;
  std::int64_t parts;
  std::int64_t windows;

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t w, std::int64_t& position, bool final) const {
    std::int64_t at = position;
    for (std::int64_t p = 0; p < parts; ++p) {
      std::int64_t const count = next(p, w);
      if (final) next(p, w) = at;
      at += count;
    }
    if (final) {
      begin(w) = position;
      if (w == windows - 1) begin(windows) = at;
    }
    position = at;
  }
};

/// Counting sort (see WindowSort): permutation(j) = point at sorted position j,
/// begin(w) = first sorted position of window w, begin(windows) = N. `windows_of` has
/// one window index in [0, windows) per point. Does not fence.
template <class ExecutionSpace, class Windows, class Permutation, class Begin>
void counting_window_sort(ExecutionSpace const& exec, Windows const& windows_of,
                          std::int64_t windows, std::int64_t parts,
                          Permutation const& permutation, Begin const& begin) {
  using Memory = typename ExecutionSpace::memory_space;
  using Next = Kokkos::View<std::int64_t**, Kokkos::LayoutRight, Memory>;
  using Sort = CountingWindowSort<Windows, Next, Permutation>;
  using Index = Kokkos::IndexType<std::int64_t>;
  std::int64_t const n = static_cast<std::int64_t>(windows_of.extent(0));
  Next next(Kokkos::view_alloc(exec, "splinegrid::sort_stencils::window_counts"), parts, windows);
  Sort const sort{windows_of, next, permutation, n, parts};
  Kokkos::parallel_for("splinegrid::sort_stencils::count",
                       Kokkos::RangePolicy<ExecutionSpace, typename Sort::Count, Index>(exec, 0, parts),
                       sort);
  Kokkos::parallel_scan("splinegrid::sort_stencils::window_offsets",
                        Kokkos::RangePolicy<ExecutionSpace, Index>(exec, 0, windows),
                        WindowOffsets<Next, Begin>{next, begin, parts, windows});
  Kokkos::parallel_for("splinegrid::sort_stencils::place",
                       Kokkos::RangePolicy<ExecutionSpace, typename Sort::Place, Index>(exec, 0, parts),
                       sort);
}

}  // namespace splinegrid::Impl

#endif
