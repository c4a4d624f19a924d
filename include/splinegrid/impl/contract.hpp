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

/// The control points contract() reads: K channel values per row, rows `pitch`
/// values apart from `data`.
template <class Scalar, int K>
struct GatherLeaf {
  Scalar const* data;
  std::int64_t pitch;
  KOKKOS_FORCEINLINE_FUNCTION Scalar const* row(std::int64_t r) const { return data + r * pitch; }
};

/// out[c * Entries + e] = sum over the four taps j of w[d_e][j] · in[j][c * Inner +
/// f_e] for entry e, where (d_e, f_e) = (first, inner) of EntryTable<M, Order>
/// (on the last axis, M = 1, f_e = 0 and Inner = 1: the inputs are the control
/// rows themselves, channels contiguous). The taps are summed pairwise. A functor, not a lambda, so static_for's calls are
/// force-inlined (GCC outlined lambda bodies in the larger kernels).
template <int M, int Order, int K, int Entries, int Inner, class Scalar>
struct TapSum {
  Scalar const (&w)[Order + 1][4];
  Scalar const* const (&in)[4];
  Scalar* out;
  template <class Entry>
  KOKKOS_FORCEINLINE_FUNCTION void operator()(Entry entry) const {
    sum(entry);
  }
  template <class Entry>
  KOKKOS_FORCEINLINE_FUNCTION void sum(Entry) const {
    constexpr int e = Entry::value;
    constexpr int d = EntryTable<M, Order>{}.first[e];
    constexpr int f = EntryTable<M, Order>{}.inner[e];
    Scalar const* const wd = w[d];
    for (int c = 0; c < K; ++c) {
      int const b = c * Inner + f;
      out[c * Entries + e] = (wd[0] * in[0][b] + wd[1] * in[1][b]) + (wd[2] * in[2][b] + wd[3] * in[3][b]);
    }
  }
};

/// TapSum whose calls the compiler may leave outlined: for Hessians (Order 2) full
/// inlining of the 3D contraction measured 30% slower (register pressure), while
/// for values and gradients it is faster.
template <class Body>
struct TapSumOutlined {
  Body body;
  template <class Entry>
  KOKKOS_INLINE_FUNCTION void operator()(Entry entry) const {
    body.sum(entry);
  }
};

/// The TapSum step for derivative order Order (see TapSumOutlined).
template <int M, int Order, int K, int Entries, int Inner, class Scalar>
KOKKOS_FORCEINLINE_FUNCTION auto tap_sum(Scalar const (&w)[Order + 1][4],
                                         Scalar const* const (&in)[4], Scalar* out) {
  TapSum<M, Order, K, Entries, Inner, Scalar> const body{w, in, out};
  if constexpr (Order >= 2) {
    return TapSumOutlined<TapSum<M, Order, K, Entries, Inner, Scalar>>{body};
  } else {
    return body;
  }
}

/// A leaf that reads the control rows projected on K weights g: its one "channel"
/// is sum_c g[c] cp(row, c) (the adjoint's dL/dx needs only this projection, which
/// contracts one channel instead of K).
template <class Scalar, int K>
struct ProjectedLeaf {
  static constexpr int channels = K;
  Scalar const* data;
  std::int64_t pitch;
  Scalar const (&g)[K];
  KOKKOS_FORCEINLINE_FUNCTION Scalar const* row(std::int64_t r) const { return data + r * pitch; }
};

template <class Leaf>
struct is_projected_leaf : std::false_type {};
template <class Scalar, int K>
struct is_projected_leaf<ProjectedLeaf<Scalar, K>> : std::true_type {};

/// out[c * E + e], E = derivative_entries<Dim, Order, Axis>, gets, for the entry e
/// = (d_Axis, ..., d_{Dim-1}) of EntryTable<Dim - Axis, Order>,
///   sum over taps j_Axis..j_{Dim-1} of prod_k st[k].w[d_k][j_k] · cp(row + rows, c),
/// contracting the last axis first; `row` carries the outer axes. The last axis
/// reads the control rows in place; the other levels sum their four taps pairwise
/// (dependency depth 2 instead of a serial chain of 4: the contraction is
/// latency-bound otherwise).
template <int Axis, int Dim, int Order, int K, class Scalar, class Leaf>
KOKKOS_FORCEINLINE_FUNCTION void contract(AxisStencil<Scalar, Order> const (&st)[Dim],
                                          std::int64_t row, Leaf const& leaf,
                                          Scalar (&out)[K * derivative_entries<Dim, Order, Axis>]) {
  constexpr int inner = derivative_entries<Dim, Order, Axis + 1>;
  constexpr int entries = derivative_entries<Dim, Order, Axis>;
  if constexpr (Axis == Dim - 1) {
    Scalar const* p[4];
    SPLINEGRID_UNROLL_SMALL_LOOP
    for (int j = 0; j < 4; ++j) p[j] = leaf.row(row + st[Axis].row[j]);
    // One axis left: entry e is derivative order e.
    if constexpr (is_projected_leaf<Leaf>::value) {
      static_assert(K == 1, "splinegrid: a projected contraction has one channel");
      Scalar v[4];
      for (int j = 0; j < 4; ++j) {
        Scalar sum = Scalar(0);
        for (int c = 0; c < Leaf::channels; ++c) sum += leaf.g[c] * p[j][c];
        v[j] = sum;
      }
      Scalar const* q[4] = {v, v + 1, v + 2, v + 3};
      static_for<entries>(tap_sum<1, Order, 1, entries, 1>(st[Axis].w, q, out));
    } else {
      static_for<entries>(tap_sum<1, Order, K, entries, 1>(st[Axis].w, p, out));
    }
  } else {
    Scalar below[4][K * inner];
    for (int j = 0; j < 4; ++j)
      contract<Axis + 1, Dim, Order, K>(st, row + st[Axis].row[j], leaf, below[j]);
    Scalar const* b[4] = {below[0], below[1], below[2], below[3]};
    static_for<entries>(tap_sum<Dim - Axis, Order, K, entries, inner>(st[Axis].w, b, out));
  }
}

/// Calls f(row, weight) for each of the 4^Dim taps, weight = prod_k st[k].w[0][j_k]
/// (times `weight`, which carries the outer axes): the scatter side of the adjoint
/// and of the normal-equation diagonal, on the same stencils as contract().
template <int Axis, int Dim, int Order, class Scalar, class F>
KOKKOS_FORCEINLINE_FUNCTION void for_each_tap(AxisStencil<Scalar, Order> const (&st)[Dim],
                                              std::int64_t row, Scalar weight, F& f) {
  for (int j = 0; j < 4; ++j) {
    std::int64_t const r = row + st[Axis].row[j];
    Scalar const w = weight * st[Axis].w[0][j];
    if constexpr (Axis == Dim - 1) {
      f(r, w);
    } else {
      for_each_tap<Axis + 1, Dim>(st, r, w, f);
    }
  }
}

}  // namespace splinegrid::Impl

#endif
