#ifndef SPLINEGRID_IMPL_TAP_LOOP_HPP
#define SPLINEGRID_IMPL_TAP_LOOP_HPP

/// @file
/// The tensor-product loop over the 4^Dim control points around a point, carrying
/// the products of per-axis weights (value, gradient, Hessian) separably. Forward,
/// derivatives and adjoint all visit control points through this one loop.

#include <splinegrid/impl/axis_stencil.hpp>

namespace splinegrid::Impl {

/// Product weights of one tap: v = prod_k w_k, g[k] = d v / d u_k,
/// h[k*Dim+l] = d^2 v / d u_k d u_l (only k <= l is formed).
template <class Scalar, int Dim, int Order>
struct TapWeights {
  Scalar v;
  Scalar g[Order >= 1 ? Dim : 1];
  Scalar h[Order >= 2 ? Dim * Dim : 1];
};

template <class Scalar, int Dim, int Order>
KOKKOS_FORCEINLINE_FUNCTION TapWeights<Scalar, Dim, Order> unit_tap_weights() {
  TapWeights<Scalar, Dim, Order> w;
  w.v = Scalar(1);
  for (int k = 0; k < (Order >= 1 ? Dim : 1); ++k) w.g[k] = Scalar(1);
  for (int k = 0; k < (Order >= 2 ? Dim * Dim : 1); ++k) w.h[k] = Scalar(1);
  return w;
}

/// Calls visit(weights, row) for each of the 4^Dim taps, axis 0 outermost, so each
/// level multiplies in one axis' weights once for all the taps below it.
template <int Axis, int Dim, int Order, class Scalar, class Visit>
KOKKOS_FORCEINLINE_FUNCTION void for_each_tap(AxisStencil<Scalar, Order> const (&st)[Dim],
                                              TapWeights<Scalar, Dim, Order> const& w,
                                              std::int64_t row, Visit& visit) {
  if constexpr (Axis == Dim) {
    visit(w, row);
  } else {
    for (int j = 0; j < 4; ++j) {
      TapWeights<Scalar, Dim, Order> next;
      Scalar const w0 = st[Axis].w[0][j];
      next.v = w.v * w0;
      if constexpr (Order >= 1) {
        Scalar const w1 = st[Axis].w[1][j];
        for (int k = 0; k < Dim; ++k) next.g[k] = w.g[k] * (k == Axis ? w1 : w0);
      }
      if constexpr (Order >= 2) {
        Scalar const w1 = st[Axis].w[1][j];
        Scalar const w2 = st[Axis].w[2][j];
        for (int k = 0; k < Dim; ++k)
          for (int l = k; l < Dim; ++l)
            next.h[k * Dim + l] =
                w.h[k * Dim + l] *
                (k == Axis && l == Axis ? w2 : (k == Axis || l == Axis ? w1 : w0));
      }
      for_each_tap<Axis + 1, Dim, Order>(st, next, row + st[Axis].row[j], visit);
    }
  }
}

}  // namespace splinegrid::Impl

#endif
