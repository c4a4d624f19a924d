#ifndef SPLINEGRID_IMPL_AXIS_STENCIL_HPP
#define SPLINEGRID_IMPL_AXIS_STENCIL_HPP

/// @file
/// One axis of a grid: where a coordinate falls and which four control points it
/// weighs with which weights. Shared by forward, derivatives and adjoint.

#include <splinegrid/basis.hpp>

#include <cstdint>

namespace splinegrid::Impl {

/// Geometry of one grid axis, as kernels need it.
template <class Scalar>
struct Axis {
  std::int64_t n;       ///< resolution (number of control points), >= 1
  std::int64_t stride;  ///< rows between neighbouring control points along the axis
  Scalar lo;            ///< domain start (control point 0)
  Scalar hi;            ///< domain end (control point n-1)
  Scalar scale;         ///< (n-1)/(hi-lo): pixel units per domain unit
};

/// The four taps of one axis for one coordinate. Tap j weighs control index
/// start + j (row offset row[j]); w[d][j] is the d-th derivative of that weight with
/// respect to the coordinate u. Ghost control points are folded into the taps, so
/// the taps only reference real control points.
template <class Scalar, int Order>
struct AxisStencil {
  std::int64_t start;
  std::int64_t row[4];
  Scalar w[Order + 1][4];
};

/// Builds the stencil of coordinate `u` on `axis` with torch-cubic-spline-grids'
/// edge rules:
/// - u is clamped to [lo, hi]; x = (u - lo)(n-1)/(hi-lo) is the pixel coordinate;
/// - interval i = clamp(floor(x), 0, n-2), t = x - i (so u = hi is t = 1 of the last
///   interval, exactly);
/// - ghost control points c[-1] = 2c[0] - c[1] and c[n] = 2c[n-1] - c[n-2]
///   (linear extrapolation) are folded into the real taps;
/// - an axis with n = 1 is constant (weight 1 on its only control point);
/// - derivative weights are zero where u lies strictly outside [lo, hi] (the value
///   is clamped there) and one-sided at u = lo and u = hi exactly.
/// A NaN coordinate gives NaN weights on valid taps: NaN values, no bad access.
template <int Order, class Scalar>
KOKKOS_INLINE_FUNCTION AxisStencil<Scalar, Order> make_axis_stencil(Basis basis,
                                                                    Axis<Scalar> const& axis,
                                                                    Scalar u) {
  AxisStencil<Scalar, Order> s;
  for (int d = 0; d <= Order; ++d)
    for (int j = 0; j < 4; ++j) s.w[d][j] = Scalar(0);
  std::int64_t const n = axis.n;
  if (n == 1) {
    s.start = 0;
    for (int j = 0; j < 4; ++j) s.row[j] = 0;
    s.w[0][0] = Scalar(1);
    return s;
  }
  bool const inside = u >= axis.lo && u <= axis.hi;
  Scalar const xmax = Scalar(n - 1);
  Scalar x = (u - axis.lo) * axis.scale;
  x = x < Scalar(0) ? Scalar(0) : (x > xmax ? xmax : x);  // NaN stays NaN
  std::int64_t i = x >= Scalar(1) ? static_cast<std::int64_t>(x) : 0;  // NaN -> 0
  i = i > n - 2 ? n - 2 : i;
  Scalar const t = x - Scalar(i);

  Scalar b[Order + 1][4];
  basis_weights<Order>(basis, t, b);
  Scalar const du = inside ? axis.scale : Scalar(0);
  if constexpr (Order >= 1)
    for (int j = 0; j < 4; ++j) b[1][j] *= du;
  if constexpr (Order >= 2)
    for (int j = 0; j < 4; ++j) b[2][j] *= du * du;

  // The window of four real control points that covers interval i and its ghosts.
  std::int64_t const last_start = n >= 4 ? n - 4 : 0;
  std::int64_t start = i - 1;
  start = start < 0 ? 0 : (start > last_start ? last_start : start);
  s.start = start;
  for (int j = 0; j < 4; ++j) {
    std::int64_t const index = start + j;
    s.row[j] = (index < n ? index : n - 1) * axis.stride;  // taps past n-1 weigh 0
  }
  for (int j = 0; j < 4; ++j) {
    std::int64_t const index = i - 1 + j;
    for (int d = 0; d <= Order; ++d) {
      Scalar const v = b[d][j];
      if (index < 0) {  // c[-1] = 2 c[0] - c[1]
        s.w[d][0 - start] += Scalar(2) * v;
        s.w[d][1 - start] -= v;
      } else if (index >= n) {  // c[n] = 2 c[n-1] - c[n-2]
        s.w[d][n - 1 - start] += Scalar(2) * v;
        s.w[d][n - 2 - start] -= v;
      } else {
        s.w[d][index - start] += v;
      }
    }
  }
  return s;
}

}  // namespace splinegrid::Impl

#endif
