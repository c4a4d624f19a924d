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

/// The four taps of one axis for one coordinate in interval i: tap j weighs control
/// index start + j with start = i - 1 (row offset row[j]); w[d][j] is the d-th
/// derivative of that weight with respect to the coordinate u. Ghost control points
/// (index -1 and n) are folded into the real taps, so a tap whose index falls
/// outside [0, n-1] has weight 0 (its row is clamped to a valid one).
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
///   (linear extrapolation) are folded into the real taps, without branches;
/// - an axis with n = 1 is constant (weight 1 on its only control point);
/// - derivative weights are zero where u lies strictly outside [lo, hi] (the value
///   is clamped there) and one-sided at u = lo and u = hi exactly.
/// A NaN coordinate gives NaN weights on valid taps: NaN values, no bad access.
/// `m` is the basis matrix (BasisMatrix), scaled.
template <int Order, class Scalar>
KOKKOS_INLINE_FUNCTION AxisStencil<Scalar, Order> make_axis_stencil(BasisMatrix<Scalar> const& m,
                                                                    Axis<Scalar> const& axis,
                                                                    Scalar u) {
  AxisStencil<Scalar, Order> s;
  std::int64_t const n = axis.n;
  if (n == 1) {
    s.start = -1;
    for (int j = 0; j < 4; ++j) {
      s.row[j] = 0;
      for (int d = 0; d <= Order; ++d) s.w[d][j] = Scalar(0);
    }
    s.w[0][1] = Scalar(1);
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
  basis_weights<Order>(m, t, b);
  Scalar const du = inside ? axis.scale : Scalar(0);
  if constexpr (Order >= 1) {
    for (int j = 0; j < 4; ++j) b[1][j] *= du;
  }
  if constexpr (Order >= 2) {
    for (int j = 0; j < 4; ++j) b[2][j] *= du * du;
  }

  // Fold the ghosts: tap 0 is c[-1] when i = 0 and tap 3 is c[n] when i = n-2.
  bool const lower_ghost = i == 0;
  bool const upper_ghost = i == n - 2;
  for (int d = 0; d <= Order; ++d) {
    Scalar const gl = lower_ghost ? b[d][0] : Scalar(0);
    Scalar const gu = upper_ghost ? b[d][3] : Scalar(0);
    s.w[d][0] = b[d][0] - gl;
    s.w[d][1] = b[d][1] + Scalar(2) * gl - gu;
    s.w[d][2] = b[d][2] - gl + Scalar(2) * gu;
    s.w[d][3] = b[d][3] - gu;
  }
  s.start = i - 1;
  for (int j = 0; j < 4; ++j) {
    std::int64_t index = i - 1 + j;
    index = index < 0 ? 0 : (index > n - 1 ? n - 1 : index);
    s.row[j] = index * axis.stride;
  }
  return s;
}

}  // namespace splinegrid::Impl

#endif
