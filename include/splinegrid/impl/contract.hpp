#ifndef SPLINEGRID_IMPL_CONTRACT_HPP
#define SPLINEGRID_IMPL_CONTRACT_HPP

/// @file
/// Separable contraction of the 4^Dim control points around a point with the
/// per-axis stencils, for values and derivatives at once. Forward, derivatives and
/// the adjoint all visit control points through this one function.

#include <splinegrid/impl/axis_stencil.hpp>

#include <type_traits>
#include <utility>

namespace splinegrid::Impl {

/// Calls f(std::integral_constant<int, I>{}) for I = 0..N-1, unrolled at compile time
/// on every backend (compilers leave short loops over stencil arrays rolled, which
/// keeps the arrays in memory; measured on the stencil loop: 3D forward +18%).
template <class F, int... I>
KOKKOS_FORCEINLINE_FUNCTION void static_for_each(F&& f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>{}), ...);
}

template <int N, class F>
KOKKOS_FORCEINLINE_FUNCTION void static_for(F&& f) {
  static_for_each(f, std::make_integer_sequence<int, N>{});
}

/// The derivative multi-indices (d_0, ..., d_{M-1}) over M axes with total order
/// d_0 + ... + d_{M-1} <= Order, value first: only these are ever needed (values,
/// gradients, Hessians), so contractions skip mixed terms of higher total order
/// (3D Hessians: 10 entries instead of 27; 3D gradients: 4 instead of 8). Entry e
/// has d_0 = first[e] and (d_1, ...) = entry inner[e] of EntryTable<M-1, Order>.
KOKKOS_INLINE_FUNCTION constexpr int binomial(int n, int k) {
  return k == 0 ? 1 : binomial(n - 1, k - 1) * n / k;
}

template <int M, int Order>
struct EntryTable {
  static constexpr int count = binomial(M + Order, Order);
  int first[count] = {};
  int inner[count] = {};
  int total[count] = {};
  KOKKOS_INLINE_FUNCTION constexpr EntryTable() {
    if constexpr (M > 0) {
      constexpr EntryTable<M - 1, Order> in{};
      int n = 0;
      for (int d = 0; d <= Order; ++d)
        for (int e = 0; e < in.count; ++e)
          if (in.total[e] + d <= Order) {
            first[n] = d;
            inner[n] = e;
            total[n] = in.total[e] + d;
            ++n;
          }
    }
  }
};

/// Number of accumulators of one channel after contracting axes Axis..Dim-1.
template <int Dim, int Order, int Axis = 0>
inline constexpr int derivative_entries = EntryTable<Dim - Axis, Order>::count;

/// Index, within one channel's derivative_entries<Dim, Order>, of the entry with
/// d_k = orders[k] (sum <= Order).
template <int Dim, int Order, int Axis = 0>
KOKKOS_INLINE_FUNCTION constexpr int derivative_index(int const (&orders)[Dim]) {
  if constexpr (Axis == Dim) {
    return 0;
  } else {
    constexpr EntryTable<Dim - Axis, Order> table{};
    int const rest = derivative_index<Dim, Order, Axis + 1>(orders);
    for (int e = 0; e < table.count; ++e)
      if (table.first[e] == orders[Axis] && table.inner[e] == rest) return e;
    return -1;
  }
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

/// out[c * E + e], E = derivative_entries<Dim, Order, Axis>, gets, for the entry e
/// = (d_Axis, ..., d_{Dim-1}) of EntryTable<Dim - Axis, Order>,
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
  // Entries unrolled at compile time, so each one's derivative order and inner
  // entry are constants.
  static_for<entries>([&](auto entry) {
    constexpr int e = decltype(entry)::value;
    constexpr int d = EntryTable<Dim - Axis, Order>{}.first[e];
    constexpr int f = EntryTable<Dim - Axis, Order>{}.inner[e];
    Scalar const* w = st[Axis].w[d];
    for (int c = 0; c < K; ++c) {
      int const b = c * inner + f;
      out[c * entries + e] =
          (w[0] * below[0][b] + w[1] * below[1][b]) + (w[2] * below[2][b] + w[3] * below[3][b]);
    }
  });
}

}  // namespace splinegrid::Impl

#endif
