#ifndef SPLINEGRID_IMPL_CONTRACT_HPP
#define SPLINEGRID_IMPL_CONTRACT_HPP

/// @file
/// Separable contraction of the 4^Dim control points around a point with the
/// per-axis stencils, for values and derivatives at once. Forward, derivatives and
/// the adjoint all visit control points through this one function.

#include <splinegrid/impl/axis_stencil.hpp>

namespace splinegrid::Impl {

KOKKOS_INLINE_FUNCTION constexpr int ipow(int base, int exp) {
  return exp == 0 ? 1 : base * ipow(base, exp - 1);
}

/// Number of accumulators of one channel after contracting axes Axis..Dim-1:
/// one per derivative multi-index (d_Axis, ..., d_{Dim-1}), each d in 0..Order.
template <int Dim, int Order, int Axis = 0>
inline constexpr int derivative_entries = ipow(Order + 1, Dim - Axis);

/// Index, within one channel's derivative_entries<Dim, Order>, of the entry with
/// d_k = orders[k] (row-major over axes, axis 0 slowest).
template <int Dim, int Order>
KOKKOS_INLINE_FUNCTION constexpr int derivative_index(int const (&orders)[Dim]) {
  int index = 0;
  for (int k = 0; k < Dim; ++k) index = index * (Order + 1) + orders[k];
  return index;
}

/// Entry of d/dx_k (k >= 0) or of the value (k < 0).
template <int Dim, int Order>
KOKKOS_INLINE_FUNCTION constexpr int gradient_index(int k) {
  int orders[Dim] = {};
  if (k >= 0) orders[k] = 1;
  return derivative_index<Dim, Order>(orders);
}

/// Entry of d^2/dx_k dx_l.
template <int Dim, int Order>
KOKKOS_INLINE_FUNCTION constexpr int hessian_index(int k, int l) {
  int orders[Dim] = {};
  orders[k] += 1;
  orders[l] += 1;
  return derivative_index<Dim, Order>(orders);
}

/// out[c * E + e], E = derivative_entries<Dim, Order, Axis>, gets
///   sum over taps j_Axis..j_{Dim-1} of prod_k st[k].w[d_k][j_k] · leaf value (c),
/// contracting the last axis first. `leaf(row, weight, values)` writes the K channel
/// values of control row `row` into values[0..K) (weight: the product of the value
/// weights of all axes, for scatters). `row` and `weight` carry the outer axes.
template <int Axis, int Dim, int Order, int K, class Scalar, class Leaf>
KOKKOS_FORCEINLINE_FUNCTION void contract(AxisStencil<Scalar, Order> const (&st)[Dim],
                                          std::int64_t row, Scalar weight, Leaf& leaf,
                                          Scalar (&out)[K * derivative_entries<Dim, Order, Axis>]) {
  constexpr int inner = derivative_entries<Dim, Order, Axis + 1>;
  constexpr int entries = derivative_entries<Dim, Order, Axis>;
  Scalar below[4][K * inner];
  for (int j = 0; j < 4; ++j) {
    std::int64_t const r = row + st[Axis].row[j];
    Scalar const wj = weight * st[Axis].w[0][j];
    if constexpr (Axis == Dim - 1) {
      leaf(r, wj, below[j]);
    } else {
      contract<Axis + 1, Dim, Order, K>(st, r, wj, leaf, below[j]);
    }
  }
  // Pairwise sums over the four taps: independent products, dependency depth 2
  // instead of 4 (the contraction is latency-bound otherwise).
  for (int c = 0; c < K; ++c)
    for (int d = 0; d <= Order; ++d) {
      Scalar const* w = st[Axis].w[d];
      for (int e = 0; e < inner; ++e) {
        int const b = c * inner + e;
        out[c * entries + d * inner + e] =
            (w[0] * below[0][b] + w[1] * below[1][b]) + (w[2] * below[2][b] + w[3] * below[3][b]);
      }
    }
}

}  // namespace splinegrid::Impl

#endif
