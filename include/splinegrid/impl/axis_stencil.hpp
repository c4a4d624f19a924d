#ifndef SPLINEGRID_IMPL_AXIS_STENCIL_HPP
#define SPLINEGRID_IMPL_AXIS_STENCIL_HPP

/// @file
/// One axis of a grid: where a coordinate falls and which four control points it
/// weighs with which weights, for every Boundary and Extrapolation. Shared by
/// forward, derivatives, both adjoints and (through ghost_coefficients) the
/// interpolating constructions.

#include <splinegrid/basis.hpp>
#include <splinegrid/boundary.hpp>
#include <splinegrid/compat.hpp>

#include <cstdint>

namespace splinegrid::Impl {

/// Geometry and boundary of one grid axis, as kernels need it.
template <class Scalar>
struct Axis {
  std::int64_t n;       ///< resolution (number of control points), >= 1
  std::int64_t stride;  ///< rows between neighbouring control points along the axis
  Scalar lo;            ///< domain start (control point 0)
  Scalar hi;            ///< domain end (control point n-1)
  Scalar scale;         ///< (n-1)/(hi-lo): pixel units per domain unit
  Boundary boundary;
  Extrapolation extrapolation;
};

/// The pole of the cubic B-spline interpolation filter, sqrt(3) - 2.
template <class Scalar>
KOKKOS_INLINE_FUNCTION constexpr Scalar bspline_pole() {
  return Scalar(-0.267949192431122706472553658494127633057);
}

/// Boundaries whose ghosts are control points of the axis itself (index maps).
KOKKOS_INLINE_FUNCTION constexpr bool is_index_mapped(Boundary b) {
  return b == Boundary::mirror || b == Boundary::reflect || b == Boundary::wrap;
}

/// Period of an index-mapped boundary (1 for n = 1).
KOKKOS_INLINE_FUNCTION constexpr std::int64_t boundary_period(Boundary b, std::int64_t n) {
  return n == 1 ? 1 : (b == Boundary::mirror ? 2 * n - 2 : (b == Boundary::reflect ? 2 * n : n));
}

/// Control index that virtual index m stands for under an index-mapped boundary.
KOKKOS_INLINE_FUNCTION std::int64_t map_index(Boundary b, std::int64_t n, std::int64_t m) {
  std::int64_t const period = boundary_period(b, n);
  std::int64_t r = m % period;
  r = r < 0 ? r + period : r;
  if (b == Boundary::mirror && r >= n) r = period - r;
  if (b == Boundary::reflect && r >= n) r = period - 1 - r;
  return r;
}

/// Coefficients a[q] of the ghost control point at distance k >= 1 beyond an end of
/// an axis with n control points, as a combination of the real control points q
/// steps in from that end (q < min(n, 4)), for the boundaries that fold ghosts
/// (linear, not_a_knot, nearest, grid_constant).
template <class Scalar>
KOKKOS_INLINE_FUNCTION void ghost_coefficients(Boundary b, std::int64_t n, std::int64_t k,
                                               Scalar (&a)[4]) {
  for (int q = 0; q < 4; ++q) a[q] = Scalar(0);
  if (b == Boundary::nearest || b == Boundary::grid_constant) {
    Scalar const z = bspline_pole<Scalar>();
    Scalar zk = Scalar(1);
    for (std::int64_t i = 0; i < k; ++i) zk *= z;
    if (b == Boundary::grid_constant || n == 1) {
      a[0] = b == Boundary::grid_constant ? zk : Scalar(1);
      return;
    }
    // c[-k] = d0 + z^k (c0 - d0) with the edge sample d0 = ((4+z) c0 + c1) / (5+z).
    a[0] = zk + (Scalar(1) - zk) * (Scalar(4) + z) / (Scalar(5) + z);
    a[1] = (Scalar(1) - zk) / (Scalar(5) + z);
    return;
  }
  if (n == 1) {
    a[0] = Scalar(1);
  } else if (b == Boundary::not_a_knot && n >= 4) {  // continuous third derivative
    a[0] = Scalar(4), a[1] = Scalar(-6), a[2] = Scalar(4), a[3] = Scalar(-1);
  } else if (b == Boundary::not_a_knot && n == 3) {  // the single parabola
    a[0] = Scalar(3), a[1] = Scalar(-3), a[2] = Scalar(1);
  } else {  // linear extrapolation (also not_a_knot with n = 2: a line)
    a[0] = Scalar(2), a[1] = Scalar(-1);
  }
}

/// The four taps of one axis for one coordinate. Tap j has row offset row[j] and
/// weight w[d][j] (d-th derivative with respect to the coordinate u). `window`
/// identifies which control points the taps are (see window_tap), numbered
/// 0..num_windows-1; `fill` marks a coordinate outside the domain of a fill axis
/// (all weights are then 0).
template <class Scalar, int Order>
struct AxisStencil {
  std::int64_t window;
  std::int64_t row[4];
  Scalar w[Order + 1][4];
  bool fill;
};

/// Number of distinct windows of an axis.
template <class Scalar>
KOKKOS_INLINE_FUNCTION std::int64_t num_windows(Axis<Scalar> const& a) {
  if (a.boundary == Boundary::linear) return a.n > 1 ? a.n - 1 : 1;
  if (is_index_mapped(a.boundary)) return boundary_period(a.boundary, a.n);
  return a.n > 3 ? a.n - 3 : 1;
}

/// First control point of the contiguous taps of interval i of a Boundary::linear
/// axis with n >= 4 control points.
KOKKOS_INLINE_FUNCTION constexpr std::int64_t linear_window_start(std::int64_t n, std::int64_t i) {
  return i < 1 ? 0 : (i - 1 > n - 4 ? n - 4 : i - 1);
}

/// Control index weighed by tap j of window v, or -1 if that tap always weighs 0.
template <class Scalar>
KOKKOS_INLINE_FUNCTION std::int64_t window_tap(Axis<Scalar> const& a, std::int64_t v, int j) {
  if (a.boundary == Boundary::linear) {  // window = interval i
    if (a.n >= 4) {  // taps start..start+3 (see linear_axis_stencil)
      bool const unused = (v == 0 && j == 3) || (v == a.n - 2 && j == 0);
      return unused ? -1 : linear_window_start(a.n, v) + j;
    }
    std::int64_t const m = v - 1 + j;  // taps i-1..i+2, ghosts folded
    return m >= 0 && m < a.n ? m : -1;
  }
  if (is_index_mapped(a.boundary)) return map_index(a.boundary, a.n, v - 1 + j);
  return v + j < a.n ? v + j : -1;  // folded: window = first of four control points
}

/// How fold_linear_window picks among a window's three cases (lower end, upper end,
/// interior): by branches, one point at a time.
struct BranchPick {
  bool lower, upper;
  template <class Scalar>
  KOKKOS_FORCEINLINE_FUNCTION Scalar operator()(Scalar at_lower, Scalar at_upper,
                                                Scalar inside) const {
    return lower ? at_lower : (upper ? at_upper : inside);
  }
};

/// The same picks as arithmetic, for loops vectorised across points: exactly one of
/// the masks is 1, the others 0, so the sum is the picked value bit for bit (adding
/// +-0 changes no nonzero value). Compilers keep this branch-free; selects on
/// floating-point values they turn back into branches, which no vector loop allows.
template <class Scalar>
struct MaskPick {
  Scalar lower, upper, inside;
  KOKKOS_FORCEINLINE_FUNCTION Scalar operator()(Scalar at_lower, Scalar at_upper,
                                                Scalar at_inside) const {
    return (lower * at_lower + upper * at_upper) + inside * at_inside;
  }
};

/// Weights of the four contiguous taps start..start+3 (start = clamp(i-1, 0, n-4))
/// of interval i of a Boundary::linear axis with n >= 4 control points, from the
/// interval's raw weights b (taps i-1..i+2). The ghost c[-1] = 2 c0 - c1 (lower
/// end, i = 0) and c[n] = 2 c[n-1] - c[n-2] (upper end, i = n-2) fold into the
/// shifted taps. Shared by linear_axis_stencil and the vectorised stencils of
/// EvaluateChunked (ChunkAxisStencils).
template <class Pick, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION void fold_linear_window(Pick const& pick, Scalar const (&b)[4],
                                                    Scalar keep, Scalar (&w)[4]) {
  w[0] = keep * pick(b[1] + Scalar(2) * b[0], Scalar(0), b[0]);
  w[1] = keep * pick(b[2] - b[0], b[0], b[1]);
  w[2] = keep * pick(b[3], b[1] - b[3], b[2]);
  w[3] = keep * pick(Scalar(0), b[2] + Scalar(2) * b[3], b[3]);
}

/// Stencil of Boundary::linear (torch-cubic-spline-grids' rule), the hot path: no
/// branches but the uniform ones. See make_axis_stencil. MayFill = false compiles
/// the Extrapolation::fill handling out (for grids without fill axes).
/// Writes into `s` (in place: the stencil is hot, and copying it costs) with row
/// stride `stride` (axis.stride, or the constant 1 for the last axis).
template <int Order, bool MayFill = true, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION void linear_axis_stencil(BasisMatrix<Scalar> const& m,
                                                     Axis<Scalar> const& axis,
                                                     std::int64_t stride, Scalar u,
                                                     AxisStencil<Scalar, Order>& s) {
  std::int64_t const n = axis.n;
  bool const extend = axis.extrapolation == Extrapolation::extend;
  s.fill = MayFill && axis.extrapolation == Extrapolation::fill && (u < axis.lo || u > axis.hi);
  Scalar const keep = s.fill ? Scalar(0) : Scalar(1);
  if (n == 1) {
    s.window = 0;
    for (int j = 0; j < 4; ++j) {
      s.row[j] = 0;
      for (int d = 0; d <= Order; ++d) s.w[d][j] = Scalar(0);
    }
    s.w[0][1] = keep;
    return;
  }
  bool const inside = u >= axis.lo && u <= axis.hi;
  Scalar const xmax = Scalar(n - 1);
  Scalar const x = (u - axis.lo) * axis.scale;
  Scalar const xc = x < Scalar(0) ? Scalar(0) : (x > xmax ? xmax : x);  // NaN stays NaN
  std::int64_t i = xc >= Scalar(1) ? static_cast<std::int64_t>(xc) : 0;  // NaN -> 0
  i = i > n - 2 ? n - 2 : i;
  Scalar const t = (extend ? x : xc) - Scalar(i);

  Scalar b[Order + 1][4];
  Scalar const du = (extend || inside) && !s.fill ? axis.scale : Scalar(0);
  basis_weights<Order>(m, t, du, b);
  s.window = i;
  bool const lower_ghost = i == 0;
  bool const upper_ghost = i == n - 2;
  if (n >= 4) {
    // Contiguous window (fold_linear_window): rows need no per-tap clamping and the
    // last axis reads 4 (x C) consecutive values.
    BranchPick const pick{lower_ghost, upper_ghost};
    SPLINEGRID_UNROLL_SMALL_LOOP
    for (int d = 0; d <= Order; ++d) fold_linear_window(pick, b[d], keep, s.w[d]);
    std::int64_t const start = linear_window_start(n, i);
    for (int j = 0; j < 4; ++j) s.row[j] = (start + j) * stride;
    return;
  }
  // n = 2, 3: taps i-1..i+2 clamped into the axis; tap 0 is the ghost c[-1] when
  // i = 0, tap 3 the ghost c[n] when i = n-2, folded into the real taps.
  SPLINEGRID_UNROLL_SMALL_LOOP
  for (int d = 0; d <= Order; ++d) {
    Scalar const gl = lower_ghost ? b[d][0] : Scalar(0);
    Scalar const gu = upper_ghost ? b[d][3] : Scalar(0);
    s.w[d][0] = keep * (b[d][0] - gl);
    s.w[d][1] = keep * (b[d][1] + Scalar(2) * gl - gu);
    s.w[d][2] = keep * (b[d][2] - gl + Scalar(2) * gu);
    s.w[d][3] = keep * (b[d][3] - gu);
  }
  for (int j = 0; j < 4; ++j) {
    std::int64_t index = i - 1 + j;
    index = index < 0 ? 0 : (index > n - 1 ? n - 1 : index);
    s.row[j] = index * stride;
  }
}

template <int Order, bool MayFill = true, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION AxisStencil<Scalar, Order> linear_axis_stencil(
    BasisMatrix<Scalar> const& m, Axis<Scalar> const& axis, Scalar u) {
  AxisStencil<Scalar, Order> s;
  linear_axis_stencil<Order, MayFill>(m, axis, axis.stride, u, s);
  return s;
}

/// Builds the stencil of coordinate `u` on `axis`:
/// - x = (u - lo)(n-1)/(hi-lo) is the pixel coordinate; Extrapolation::clamp clamps
///   it to [0, n-1] (derivatives 0 strictly outside, one-sided on the boundary),
///   fill zeroes everything outside, extend keeps it;
/// - linear and not_a_knot use interval i = clamp(floor(x), 0, n-2) and t = x - i
///   (so u = hi is t = 1 of the last interval exactly, and extension continues the
///   end polynomials); the other boundaries use i = floor(x) and continue the
///   control points by their rule;
/// - ghosts of linear, not_a_knot, nearest and grid_constant are folded into real
///   taps (ghost_coefficients); mirror, reflect and wrap map indices (map_index).
/// A NaN coordinate gives NaN weights on valid taps: NaN results, no bad access.
template <int Order, class Scalar>
KOKKOS_INLINE_FUNCTION AxisStencil<Scalar, Order> make_axis_stencil(BasisMatrix<Scalar> const& m,
                                                                    Axis<Scalar> const& axis,
                                                                    Scalar u) {
  if (axis.boundary == Boundary::linear) return linear_axis_stencil<Order>(m, axis, u);
  AxisStencil<Scalar, Order> s;
  std::int64_t const n = axis.n;
  Boundary const boundary = axis.boundary;
  bool const extend = axis.extrapolation == Extrapolation::extend;
  s.fill = axis.extrapolation == Extrapolation::fill && (u < axis.lo || u > axis.hi);
  bool const inside = u >= axis.lo && u <= axis.hi;
  Scalar const xmax = Scalar(n - 1);
  Scalar const x = (u - axis.lo) * axis.scale;
  Scalar const xc = x < Scalar(0) ? Scalar(0) : (x > xmax ? xmax : x);  // NaN stays NaN
  Scalar const du = (extend || inside) && !s.fill ? axis.scale : Scalar(0);

  // Interval and local coordinate.
  std::int64_t i;
  Scalar t;
  if (boundary == Boundary::not_a_knot) {
    i = xc >= Scalar(1) ? static_cast<std::int64_t>(xc) : 0;  // NaN -> 0
    i = i > n - 2 ? n - 2 : i;
    i = i < 0 ? 0 : i;  // n = 1
    t = (extend ? x : xc) - Scalar(i);
  } else if (is_index_mapped(boundary)) {
    Scalar const period = Scalar(boundary_period(boundary, n));
    Scalar xr = extend ? x : xc;
    xr = n == 1 ? xr * Scalar(0) : xr - period * Compat::floor(xr / period);
    i = xr >= Scalar(0) && xr < period ? static_cast<std::int64_t>(xr) : 0;  // NaN -> 0
    t = xr - Scalar(i);
  } else {
    // nearest / grid_constant: beyond 40 samples the ghosts equal their limit to
    // 1e-23 relative (z^40), so far coordinates are brought in to keep indices small.
    Scalar const xe = extend ? (x < Scalar(-40) ? Scalar(-40) : (x > xmax + Scalar(40) ? xmax + Scalar(40) : x)) : xc;
    i = xe == xe ? static_cast<std::int64_t>(Compat::floor(xe)) : 0;
    i = n == 1 ? 0 : i;
    t = xe - Scalar(i);
  }

  Scalar b[Order + 1][4];
  basis_weights<Order>(m, t, du, b);
  Scalar const keep = s.fill ? Scalar(0) : Scalar(1);

  if (is_index_mapped(boundary)) {
    s.window = i;
    for (int j = 0; j < 4; ++j) {
      s.row[j] = map_index(boundary, n, i - 1 + j) * axis.stride;
      for (int d = 0; d <= Order; ++d) s.w[d][j] = keep * b[d][j];
    }
    return s;
  }

  // Folded ghosts (not_a_knot, nearest, grid_constant): four real control points
  // from `start` take the raw taps' weights, ghosts through ghost_coefficients.
  std::int64_t const last_start = n >= 4 ? n - 4 : 0;
  std::int64_t start = i - 1;
  start = start < 0 ? 0 : (start > last_start ? last_start : start);
  s.window = start;
  for (int j = 0; j < 4; ++j) {
    std::int64_t const index = start + j;
    s.row[j] = (index < n ? index : n - 1) * axis.stride;  // taps past n-1 weigh 0
    for (int d = 0; d <= Order; ++d) s.w[d][j] = Scalar(0);
  }
  std::int64_t const reach = n < 4 ? n : 4;
  for (int j = 0; j < 4; ++j) {
    std::int64_t const index = i - 1 + j;
    if (index >= 0 && index < n) {
      for (int d = 0; d <= Order; ++d) s.w[d][index - start] += keep * b[d][j];
      continue;
    }
    bool const lower = index < 0;
    Scalar a[4];
    ghost_coefficients(boundary, n, lower ? -index : index - (n - 1), a);
    for (std::int64_t q = 0; q < reach; ++q) {
      std::int64_t const pos = lower ? q - start : n - 1 - q - start;
      for (int d = 0; d <= Order; ++d) s.w[d][pos] += keep * a[q] * b[d][j];
    }
  }
  return s;
}

}  // namespace splinegrid::Impl

#endif
