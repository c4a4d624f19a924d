#ifndef SPLINEGRID_POINT_ORDER_HPP
#define SPLINEGRID_POINT_ORDER_HPP

/// @file
/// PointOrder: the points sorted by the control points their stencils touch, built
/// once for fixed points (a fit's observations) and reused by every adjoint() call
/// on them, so the deterministic control-point gradient costs no sort per call.

#include <splinegrid/compat.hpp>
#include <splinegrid/error.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/deterministic_adjoint.hpp>
#include <splinegrid/impl/view_checks.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>

namespace splinegrid {

namespace Impl {

/// Sum over all coordinates of a 64-bit mix of (bits, row, column): wrapping
/// addition is commutative, so the result does not depend on the reduction order,
/// and any changed coordinate changes it (up to 2^-64 collisions). The position
/// enters as a Weyl sequence (distinct for distinct positions), so each coordinate
/// costs one mix: every adjoint() with a PointOrder computes this (3D: 81
/// instructions per point; 114 with a second mix for the position).
template <class Points>
struct PointsFingerprint {
  Points points;
  KOKKOS_INLINE_FUNCTION static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;  // splitmix64 finaliser
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i, std::uint64_t& sum) const {
    for (std::size_t k = 0; k < points.extent(1); ++k) {
      union {
        double d;
        std::uint64_t u;
      } bits{static_cast<double>(points(i, k))};
      std::uint64_t const where = static_cast<std::uint64_t>(i) * points.extent(1) + k;
      sum += mix(bits.u ^ ((where + 1) * 0x9e3779b97f4a7c15ull));
    }
  }
};

/// inverse(permutation(j)) = j.
template <class Inverse, class Permutation>
struct Invert {
  Inverse inverse;
  Permutation permutation;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const { inverse(permutation(j)) = j; }
};

}  // namespace Impl

/// The points sorted by stencil window (the tuple of per-axis 4-point windows their
/// stencils use; ties by point index), with the per-axis tap weights tabulated in that
/// order. Depends on the grid's geometry (basis, resolution, domain, boundaries,
/// extrapolation) and the point coordinates, not on the control-point values or the
/// channel count: build it once for a fit's fixed observations and pass it to
/// adjoint(), whose control-point gradient then skips its sort (bitwise equal to
/// AdjointStrategy::deterministic). Memory O(N · (5·Dim + 3) + windows).
///
/// adjoint() checks that the grid has the same geometry and the points the same
/// coordinates (a fingerprint of every bit, O(N·Dim)) and throws otherwise.
template <class Scalar, int Dim, class MemorySpace>
class PointOrder {
 public:
  using grid_type = Grid<Scalar, Dim, MemorySpace>;                     ///< the grid type served
  using index_view = Kokkos::View<std::int64_t const*, MemorySpace>;   ///< permutations
  /// (N, Dim) coordinates in sorted order.
  using points_view = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;
  /// The sorted stencil tables adjoint() reads (implementation detail).
  using stencils_type = Impl::SortedStencils<Scalar, Dim, MemorySpace>;

  /// Sorts `points` (N, Dim) for `grid`'s geometry on `exec` (fences). Messages
  /// start "splinegrid::PointOrder".
  template <class ExecutionSpace, class Points>
  PointOrder(ExecutionSpace const& exec, grid_type const& grid, Points const& points)
      : m_basis(grid.basis()) {
    constexpr char const* fn = "splinegrid::PointOrder";
    static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                  "splinegrid::PointOrder: the first argument must be a Kokkos execution space");
    static_assert(
        std::is_same<typename ExecutionSpace::memory_space, MemorySpace>::value,
        "splinegrid::PointOrder: the execution space must run in the grid's memory space");
    Impl::static_check_view<ExecutionSpace, Scalar, 2, Points>();
    Impl::require_extent(points, 1, Dim, fn, "points");
    auto const eval = grid.evaluator();
    for (int k = 0; k < Dim; ++k) m_axes[k] = eval.axis(k);
    m_stencils = Impl::sort_stencils(exec, eval, points, fn);
    std::int64_t const n = size();
    m_inverse = Kokkos::View<std::int64_t*, MemorySpace>(
        Kokkos::view_alloc(exec, Kokkos::WithoutInitializing, "splinegrid::PointOrder::inverse"), n);
    Kokkos::parallel_for(
        "splinegrid::PointOrder::invert",
        Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(exec, 0, n),
        Impl::Invert<decltype(m_inverse), decltype(m_stencils.permutation)>{
            m_inverse, m_stencils.permutation});
    m_fingerprint = fingerprint(exec, points);
  }

  /// PointOrder on the grid's default execution space.
  template <class Points>
  PointOrder(grid_type const& grid, Points const& points)
      : PointOrder(typename MemorySpace::execution_space{}, grid, points) {}

  /// Number of points.
  std::int64_t size() const { return static_cast<std::int64_t>(m_stencils.permutation.extent(0)); }
  /// permutation()(j) = index of the point at sorted position j.
  index_view permutation() const { return m_stencils.permutation; }
  /// inverse_permutation()(i) = sorted position of point i.
  index_view inverse_permutation() const { return m_inverse; }
  /// sorted_points()(j, k) = points(permutation()(j), k): a copy of the coordinates in
  /// sorted order (what evaluate() with this order reads, sequentially).
  points_view sorted_points() const { return m_stencils.sorted_points; }
  /// The sorted tables (implementation detail of adjoint()).
  stencils_type const& stencils() const { return m_stencils; }

  /// Throws std::invalid_argument naming `fn` unless `grid` has the geometry and
  /// `points` the coordinates (bit for bit) this order was built for. Fences `exec`.
  template <class ExecutionSpace, class Points>
  void check(ExecutionSpace const& exec, char const* fn, grid_type const& grid,
             Points const& points) const {
    require(static_cast<std::int64_t>(points.extent(0)) == size(), fn,
            "the PointOrder was built for " + std::to_string(size()) + " points, got " +
                std::to_string(points.extent(0)));
    auto const eval = grid.evaluator();
    bool same = grid.basis() == m_basis;
    for (int k = 0; k < Dim; ++k) {
      auto const& a = eval.axis(k);
      auto const& b = m_axes[k];
      same = same && a.n == b.n && a.stride == b.stride && a.lo == b.lo && a.hi == b.hi &&
             a.scale == b.scale && a.boundary == b.boundary && a.extrapolation == b.extrapolation;
    }
    require(same, fn,
            "the PointOrder was built for a grid of another geometry (basis, resolution, "
            "domain, boundaries or extrapolation)");
    require(fingerprint(exec, points) == m_fingerprint, fn,
            "the points differ from those the PointOrder was built for (rebuild it after "
            "changing them)");
  }

 private:
  template <class ExecutionSpace, class Points>
  static std::uint64_t fingerprint(ExecutionSpace const& exec, Points const& points) {
    std::uint64_t sum = 0;
    Kokkos::parallel_reduce(
        "splinegrid::PointOrder::fingerprint",
        Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
            exec, 0, static_cast<std::int64_t>(points.extent(0))),
        Impl::PointsFingerprint<Points>{points}, sum);
    exec.fence();
    return sum;
  }

  stencils_type m_stencils;
  Kokkos::View<std::int64_t*, MemorySpace> m_inverse;
  Basis m_basis;
  Kokkos::Array<Impl::Axis<Scalar>, Dim> m_axes;
  std::uint64_t m_fingerprint = 0;
};

}  // namespace splinegrid

#endif
