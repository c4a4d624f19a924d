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

/// The characteristic matrix of a basis, scaled, stored by column: c[j][r] is the
/// coefficient of t^r in the weight of control point j of an interval.
template <class Scalar>
struct BasisMatrix {
  Scalar c[4][4];
  /// static_cast<int>(Basis) of the matrix: basis_weights evaluates the weights in
  /// closed form per basis (fewer operations than Horner on c, and the same
  /// arithmetic whether the basis is known at compile time or not).
  int id;
};

/// BasisMatrix of basis `BasisId` (static_cast<int>(Basis)), 1/6 and 1/2 folded in.
template <class Scalar, int BasisId>
KOKKOS_INLINE_FUNCTION constexpr BasisMatrix<Scalar> fixed_basis_matrix() {
  constexpr bool is_bspline = BasisId == static_cast<int>(Basis::bspline);
  constexpr int bspline[4][4] = {{1, -3, 3, -1}, {4, 0, -6, 3}, {1, 3, 3, -3}, {0, 0, 0, 1}};
  constexpr int catmull[4][4] = {{0, -1, 2, -1}, {2, 0, -5, 3}, {0, 1, 4, -3}, {0, 0, -1, 1}};
  BasisMatrix<Scalar> m{};
  m.id = BasisId;
  for (int j = 0; j < 4; ++j)
    for (int r = 0; r < 4; ++r)
      m.c[j][r] = is_bspline ? Scalar(bspline[j][r]) / Scalar(6) : Scalar(catmull[j][r]) / Scalar(2);
  return m;
}

/// BasisMatrix of `basis` at run time.
template <class Scalar>
KOKKOS_INLINE_FUNCTION BasisMatrix<Scalar> basis_matrix(Basis basis) {
  return basis == Basis::bspline ? fixed_basis_matrix<Scalar, static_cast<int>(Basis::bspline)>()
                                 : fixed_basis_matrix<Scalar, static_cast<int>(Basis::catmull_rom)>();
}

/// Weights of the four control points of one interval for derivative order D: w[j]
/// = du^D · d^D/dt^D of (row vector [1,t,t^2,t^3] · M)[j], written out per basis
/// (m.id; a compile-time constant in specialised kernels), with du2 = du · du. Each
/// derivative weight is scaled where it is computed: a separate scaling loop over w
/// was vectorised by GCC into wide loads of just-stored scalars (failed store
/// forwarding), which made the 1D derivative kernels 1.5-1.8x slower with AVX2.
template <int D, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION void basis_weight_row(BasisMatrix<Scalar> const& m, Scalar t, Scalar du,
                                                  Scalar du2, Scalar (&w)[4]) {
  static_assert(D >= 0 && D <= 2, "basis_weight_row: derivative orders 0, 1, 2");
  Scalar const t2 = t * t, t3 = t2 * t;
  Scalar const half = Scalar(0.5);
  if (m.id == static_cast<int>(Basis::bspline)) {
    Scalar const s = Scalar(1) - t;
    Scalar const sixth = Scalar(1) / Scalar(6);
    if constexpr (D == 0) {
      w[0] = s * s * s * sixth;
      w[1] = Scalar(2) / Scalar(3) - t2 + half * t3;
      w[2] = sixth + half * (t + t2 - t3);
      w[3] = t3 * sixth;
    } else if constexpr (D == 1) {
      w[0] = (-half * s * s) * du;
      w[1] = (Scalar(1.5) * t2 - Scalar(2) * t) * du;
      w[2] = (half + t - Scalar(1.5) * t2) * du;
      w[3] = half * t2 * du;
    } else {
      w[0] = s * du2;
      w[1] = (Scalar(3) * t - Scalar(2)) * du2;
      w[2] = (Scalar(1) - Scalar(3) * t) * du2;
      w[3] = t * du2;
    }
  } else {  // Catmull-Rom
    if constexpr (D == 0) {
      w[0] = half * (Scalar(2) * t2 - t - t3);
      w[1] = half * (Scalar(2) - Scalar(5) * t2 + Scalar(3) * t3);
      w[2] = half * (t + Scalar(4) * t2 - Scalar(3) * t3);
      w[3] = half * (t3 - t2);
    } else if constexpr (D == 1) {
      w[0] = (half * (Scalar(4) * t - Scalar(1) - Scalar(3) * t2)) * du;
      w[1] = (half * (Scalar(9) * t2 - Scalar(10) * t)) * du;
      w[2] = (half * (Scalar(1) + Scalar(8) * t - Scalar(9) * t2)) * du;
      w[3] = (half * (Scalar(3) * t2 - Scalar(2) * t)) * du;
    } else {
      w[0] = (Scalar(2) - Scalar(3) * t) * du2;
      w[1] = (Scalar(9) * t - Scalar(5)) * du2;
      w[2] = (Scalar(4) - Scalar(9) * t) * du2;
      w[3] = (Scalar(3) * t - Scalar(1)) * du2;
    }
  }
}

/// The weights of derivative orders 0..Order (basis_weight_row for each):
/// w[d][j] = du^d · d^d/dt^d of (row vector [1,t,t^2,t^3] · M)[j].
template <int Order, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION void basis_weights(BasisMatrix<Scalar> const& m, Scalar t, Scalar du,
                                               Scalar (&w)[Order + 1][4]) {
  Scalar const du2 = du * du;
  basis_weight_row<0>(m, t, du, du2, w[0]);
  if constexpr (Order >= 1) basis_weight_row<1>(m, t, du, du2, w[1]);
  if constexpr (Order >= 2) basis_weight_row<2>(m, t, du, du2, w[2]);
}

}  // namespace Impl
}  // namespace splinegrid

#endif
