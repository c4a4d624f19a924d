#ifndef SPLINEGRID_BASIS_HPP
#define SPLINEGRID_BASIS_HPP

/// @file
/// The cubic bases of a uniform spline grid and their per-interval weights.

#include <Kokkos_Core.hpp>

#include <stdexcept>
#include <string>

namespace splinegrid {

/// Uniform cubic basis. Both use torch-cubic-spline-grids' characteristic matrices M:
/// on an interval with local coordinate t in [0,1] and the four control points
/// p0..p3 around it, value = [1, t, t^2, t^3] · M · [p0, p1, p2, p3]^T.
enum class Basis {
  /// Uniform cubic B-spline, M = 1/6 [[1,4,1,0],[-3,0,3,0],[3,-6,3,0],[-1,3,-3,1]].
  /// C2, approximating: does not pass through interior control points.
  bspline,
  /// Catmull-Rom, M = 1/2 [[0,2,0,0],[-1,0,1,0],[2,-5,4,-1],[-1,3,-3,1]].
  /// C1, interpolating: passes through every control point.
  catmull_rom
};

/// Name of a basis as used in files and on the command line ("bspline", "catmull_rom").
inline char const* to_string(Basis basis) {
  return basis == Basis::bspline ? "bspline" : "catmull_rom";
}

/// Parses "bspline" or "catmull_rom"; throws std::invalid_argument otherwise.
inline Basis basis_from_string(std::string const& name) {
  if (name == "bspline") return Basis::bspline;
  if (name == "catmull_rom") return Basis::catmull_rom;
  throw std::invalid_argument("splinegrid::basis_from_string: unknown basis '" + name +
                              "' (expected bspline or catmull_rom)");
}

namespace Impl {

/// Weights of the four control points of one interval and their derivatives with
/// respect to t: w[d][j] = d^d/dt^d of (row vector [1,t,t^2,t^3] · M)[j], d <= Order.
/// Evaluated by Horner's rule on the integer matrix, scaled once at the end.
template <int Order, class Scalar>
KOKKOS_INLINE_FUNCTION void basis_weights(Basis basis, Scalar t, Scalar (&w)[Order + 1][4]) {
  // Columns j of M (times 6 for the B-spline, times 2 for Catmull-Rom): coefficients
  // of t^0..t^3.
  constexpr int bspline[4][4] = {{1, -3, 3, -1}, {4, 0, -6, 3}, {1, 3, 3, -3}, {0, 0, 0, 1}};
  constexpr int catmull[4][4] = {{0, -1, 2, -1}, {2, 0, -5, 3}, {0, 1, 4, -3}, {0, 0, -1, 1}};
  bool const is_bspline = basis == Basis::bspline;
  Scalar const scale = is_bspline ? Scalar(1) / Scalar(6) : Scalar(1) / Scalar(2);
  for (int j = 0; j < 4; ++j) {
    Scalar const m0 = Scalar(is_bspline ? bspline[j][0] : catmull[j][0]);
    Scalar const m1 = Scalar(is_bspline ? bspline[j][1] : catmull[j][1]);
    Scalar const m2 = Scalar(is_bspline ? bspline[j][2] : catmull[j][2]);
    Scalar const m3 = Scalar(is_bspline ? bspline[j][3] : catmull[j][3]);
    w[0][j] = scale * (m0 + t * (m1 + t * (m2 + t * m3)));
    if constexpr (Order >= 1) w[1][j] = scale * (m1 + t * (Scalar(2) * m2 + t * Scalar(3) * m3));
    if constexpr (Order >= 2) w[2][j] = scale * (Scalar(2) * m2 + t * Scalar(6) * m3);
  }
}

}  // namespace Impl
}  // namespace splinegrid

#endif
