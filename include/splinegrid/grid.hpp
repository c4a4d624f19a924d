#ifndef SPLINEGRID_GRID_HPP
#define SPLINEGRID_GRID_HPP

/// @file
/// Grid: the control points of a uniform cubic spline over a 1-4D box, with C channels.

#include <splinegrid/basis.hpp>
#include <splinegrid/boundary.hpp>
#include <splinegrid/compat.hpp>
#include <splinegrid/error.hpp>
#include <splinegrid/evaluator.hpp>

#include <Kokkos_Core.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace splinegrid {

/// Axis-aligned box [lo_k, hi_k] per axis; the default is the unit box [0,1]^Dim.
template <int Dim>
struct Domain {
  std::array<double, Dim> lo;  ///< lower end per axis (control point 0)
  std::array<double, Dim> hi;  ///< upper end per axis (control point n_k - 1)

  /// The unit box [0,1]^Dim.
  static Domain unit() {
    Domain d;
    d.lo.fill(0.0);
    d.hi.fill(1.0);
    return d;
  }
};

/// A uniform cubic spline grid: Dim = 1..4 axes with resolution n_k >= 1 each, C >= 1
/// channels, a Basis, and a Domain.
///
/// Control point i = (i_0, ..., i_{Dim-1}) of axis k sits at
/// u_k = lo_k + i_k (hi_k - lo_k)/(n_k - 1). Storage: control_points() is a
/// (rows, C) View with LayoutRight, rows = n_0 ··· n_{Dim-1} in row-major order
/// (last axis fastest), so the C channels of a control point are contiguous and
/// the kernels vectorise and coalesce over channels.
///
/// Copying a Grid is shallow (the View is shared), like copying a Kokkos::View.
template <class Scalar, int Dim,
          class MemorySpace = typename Kokkos::DefaultExecutionSpace::memory_space>
class Grid {
  static_assert(Dim >= 1 && Dim <= 4, "splinegrid::Grid: Dim must be 1..4");
  static_assert(std::is_same<Scalar, float>::value || std::is_same<Scalar, double>::value,
                "splinegrid::Grid: Scalar must be float or double");
  static_assert(Kokkos::is_memory_space<MemorySpace>::value,
                "splinegrid::Grid: MemorySpace must be a Kokkos memory space");

 public:
  using value_type = Scalar;            ///< float or double
  using memory_space = MemorySpace;     ///< where the control points live
  using execution_space = typename MemorySpace::execution_space;  ///< the default space
  /// (rows, C) control points, channels contiguous.
  using control_points_type = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;
  using evaluator_type = Evaluator<Scalar, Dim, MemorySpace>;  ///< see evaluator()
  /// Resolutions of all axes.
  using resolution_type = std::array<std::int64_t, Dim>;
  static constexpr int dimension = Dim;  ///< number of axes

  /// Creates a grid with all control points zero. Throws std::invalid_argument if a
  /// resolution is < 1, channels < 1, a domain bound is not finite or lo >= hi, or the
  /// grid has more than 2^62 scalars.
  Grid(std::array<std::int64_t, Dim> const& resolution, int channels,
       Basis basis = Basis::bspline, Domain<Dim> const& domain = Domain<Dim>::unit())
      : m_resolution(resolution), m_channels(channels), m_basis(basis), m_domain(domain) {
    std::int64_t rows = 1;
    for (int k = 0; k < Dim; ++k) {
      require(resolution[k] >= 1, "splinegrid::Grid",
              "resolution[" + std::to_string(k) + "] = " + std::to_string(resolution[k]) +
                  " must be >= 1");
      require(rows <= (std::numeric_limits<std::int64_t>::max() >> 2) / resolution[k],
              "splinegrid::Grid", "too many control points (index overflow)");
      rows *= resolution[k];
      require(std::isfinite(domain.lo[k]) && std::isfinite(domain.hi[k]) &&
                  domain.lo[k] < domain.hi[k],
              "splinegrid::Grid",
              "domain of axis " + std::to_string(k) + " must be finite with lo < hi");
    }
    require(channels >= 1, "splinegrid::Grid",
            "channels = " + std::to_string(channels) + " must be >= 1");
    require(rows <= (std::numeric_limits<std::int64_t>::max() >> 2) / channels,
            "splinegrid::Grid", "too many control points (index overflow)");
    m_rows = rows;
    m_control_points = control_points_type("splinegrid::Grid::control_points",
                                           static_cast<std::size_t>(rows),
                                           static_cast<std::size_t>(channels));
  }

  /// Resolution n_k of axis k.
  std::int64_t resolution(int k) const { return m_resolution.at(static_cast<std::size_t>(k)); }
  /// Resolutions of all axes.
  std::array<std::int64_t, Dim> const& resolution() const { return m_resolution; }
  /// Number of control points, prod_k n_k.
  std::int64_t num_control_points() const { return m_rows; }
  /// Number of channels C.
  int channels() const { return m_channels; }
  /// The spline basis.
  Basis basis() const { return m_basis; }
  /// The box the control points span.
  Domain<Dim> const& domain() const { return m_domain; }

  /// The control points, (rows, C), LayoutRight; write to them freely.
  control_points_type const& control_points() const { return m_control_points; }

  /// A grid of the same shape, basis, domain and boundaries whose control points are
  /// `control_points` (shared, not copied); e.g. to evaluate a search direction or a
  /// gradient as a field. Throws if the extents differ from (rows, C).
  Grid with_control_points(control_points_type const& control_points) const {
    require(static_cast<std::int64_t>(control_points.extent(0)) == m_rows &&
                static_cast<int>(control_points.extent(1)) == m_channels,
            "splinegrid::Grid::with_control_points",
            "control_points must have extents (" + std::to_string(m_rows) + ", " +
                std::to_string(m_channels) + "), got (" +
                std::to_string(control_points.extent(0)) + ", " +
                std::to_string(control_points.extent(1)) + ")");
    Grid copy(*this);
    copy.m_control_points = control_points;
    return copy;
  }

  /// Linear row of control point (i_0, ..., i_{Dim-1}).
  std::int64_t row(std::array<std::int64_t, Dim> const& index) const {
    std::int64_t r = 0;
    for (int k = 0; k < Dim; ++k) r = r * m_resolution[k] + index[k];
    return r;
  }

  /// A device-callable evaluator of this grid (see Evaluator); cheap to copy.
  evaluator_type evaluator() const {
    Kokkos::Array<Impl::Axis<Scalar>, Dim> axes;
    std::int64_t stride = 1;
    for (int k = Dim - 1; k >= 0; --k) {
      Impl::Axis<Scalar>& a = axes[k];
      a.n = m_resolution[k];
      a.stride = stride;
      a.lo = static_cast<Scalar>(m_domain.lo[k]);
      a.hi = static_cast<Scalar>(m_domain.hi[k]);
      a.scale = static_cast<Scalar>(double(a.n - 1) / (m_domain.hi[k] - m_domain.lo[k]));
      a.boundary = m_boundaries[k].boundary;
      a.extrapolation = m_boundaries[k].extrapolation;
      stride *= a.n;
    }
    return evaluator_type(m_control_points, axes, m_basis, static_cast<Scalar>(m_fill_value));
  }

  /// Boundary handling of axis k (default: Boundary::linear, Extrapolation::clamp,
  /// torch-cubic-spline-grids' rules).
  AxisBoundary const& boundary(int k) const { return m_boundaries.at(static_cast<std::size_t>(k)); }

  /// Sets the boundary handling of axis k. Throws std::invalid_argument for a bad axis.
  void set_boundary(int k, Boundary boundary, Extrapolation extrapolation) {
    require(k >= 0 && k < Dim, "splinegrid::Grid::set_boundary",
            "axis " + std::to_string(k) + " is not in 0.." + std::to_string(Dim - 1));
    m_boundaries[static_cast<std::size_t>(k)] = AxisBoundary{boundary, extrapolation};
  }

  /// Sets the same boundary handling on every axis.
  void set_boundary(Boundary boundary, Extrapolation extrapolation) {
    for (int k = 0; k < Dim; ++k) set_boundary(k, boundary, extrapolation);
  }

  /// Value of points outside the domain of an Extrapolation::fill axis (default 0).
  double fill_value() const { return m_fill_value; }
  /// Sets the value of points outside a fill axis's domain.
  void set_fill_value(double value) { m_fill_value = value; }

  /// Copies control points from a host array in torch-cubic-spline-grids' layout:
  /// C order over (C, n_0, ..., n_{Dim-1}). Throws if the size does not match.
  void copy_from_channel_first(std::vector<Scalar> const& data) const {
    require(static_cast<std::int64_t>(data.size()) == m_rows * m_channels,
            "splinegrid::Grid::copy_from_channel_first",
            "expected " + std::to_string(m_rows * m_channels) + " values, got " +
                std::to_string(data.size()));
    auto host = Kokkos::create_mirror_view(m_control_points);
    for (std::int64_t c = 0; c < m_channels; ++c)
      for (std::int64_t r = 0; r < m_rows; ++r) host(r, c) = data[c * m_rows + r];
    Kokkos::deep_copy(m_control_points, host);
  }

  /// Copies control points to a host array in (C, n_0, ..., n_{Dim-1}) C order.
  std::vector<Scalar> copy_to_channel_first() const {
    return to_channel_first(m_control_points);
  }

  /// Converts any (rows, C) array of this grid's shape (e.g. a control-point
  /// gradient) to (C, n_0, ..., n_{Dim-1}) C order on the host.
  std::vector<Scalar> to_channel_first(control_points_type const& view) const {
    require(static_cast<std::int64_t>(view.extent(0)) == m_rows &&
                static_cast<int>(view.extent(1)) == m_channels,
            "splinegrid::Grid::to_channel_first", "view extents do not match the grid");
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, view);
    std::vector<Scalar> out(static_cast<std::size_t>(m_rows * m_channels));
    for (std::int64_t c = 0; c < m_channels; ++c)
      for (std::int64_t r = 0; r < m_rows; ++r) out[c * m_rows + r] = host(r, c);
    return out;
  }

 private:
  std::array<std::int64_t, Dim> m_resolution;
  int m_channels;
  Basis m_basis;
  Domain<Dim> m_domain;
  std::int64_t m_rows = 0;
  std::array<AxisBoundary, Dim> m_boundaries{};
  double m_fill_value = 0.0;
  control_points_type m_control_points;
};

}  // namespace splinegrid

#endif
