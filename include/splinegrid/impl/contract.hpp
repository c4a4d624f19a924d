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
  /// Value l of the rows from p on (channel l of the row at p, or a channel of a
  /// following row).
  KOKKOS_FORCEINLINE_FUNCTION Scalar value(Scalar const* p, int l) const { return p[l]; }
  /// True if lane j K + k of consecutive rows is value(p, j K + k): rows hold K values.
  KOKKOS_FORCEINLINE_FUNCTION bool lanes_contiguous() const { return pitch == K; }
};

/// A leaf that reads the control rows projected on K weights g: its one "channel"
/// is sum_c g[c] cp(row, c) (the adjoint's dL/dx needs only this projection, which
/// contracts one channel instead of K).
template <class Scalar, int K>
struct ProjectedLeaf {
  Scalar const* data;
  std::int64_t pitch;
  Scalar const (&g)[K];
  KOKKOS_FORCEINLINE_FUNCTION Scalar const* row(std::int64_t r) const { return data + r * pitch; }
  /// The projection of row l from p on (one channel per row).
  KOKKOS_FORCEINLINE_FUNCTION Scalar value(Scalar const* p, int l) const {
    Scalar sum = Scalar(0);
    for (int c = 0; c < K; ++c) sum += g[c] * p[l * pitch + c];
    return sum;
  }
  KOKKOS_FORCEINLINE_FUNCTION bool lanes_contiguous() const { return true; }
};

/// G K "lanes" of the last axis seen from one row of the outer axes: lane j K + k
/// is channel k of the last axis' tap first + j (j < G). Contiguous: the taps are
/// consecutive rows and the row pitch is K (all channels in one block), so the
/// lanes are G K consecutive values and lane loops become vector loads and
/// multiply-adds; otherwise lanes are read tap by tap. Outer rows are given as
/// element offsets (row times pitch), added to each tap's row pointer.
template <int K, int G, bool Contiguous, class Scalar, class Leaf>
struct LaneReader {
  static constexpr bool contiguous = Contiguous;
  Leaf const& leaf;
  Scalar const* taps[G];  // rows of the last axis' taps first..first+G-1 (outer offset 0)
  /// Lane j K + k of the outer row at element offset `offset`.
  KOKKOS_FORCEINLINE_FUNCTION Scalar operator()(std::int64_t offset, int j, int k) const {
    if constexpr (Contiguous) {
      return leaf.value(taps[0] + offset, j * K + k);
    } else {
      return leaf.value(taps[j] + offset, k);
    }
  }
};

/// out[e G K + l] = pairwise sum over the four taps t of one outer axis of w[e][t] ·
/// lane l of row r[t], for the G K lanes of a LaneReader and derivative orders e <=
/// Order. Each lane is read once for all orders (a projected leaf's lane is a sum).
template <int K, int G, int Order, class Scalar, class Reader>
KOKKOS_FORCEINLINE_FUNCTION void lane_tap_sum(Reader const& lanes, Scalar const (&w)[Order + 1][4],
                                              std::int64_t const (&r)[4], Scalar* out) {
  auto const sum = [&](int l, Scalar a0, Scalar a1, Scalar a2, Scalar a3) {
    SPLINEGRID_UNROLL_SMALL_LOOP
    for (int e = 0; e <= Order; ++e)
      out[e * G * K + l] = Compat::mul_add(w[e][1], a1, w[e][0] * a0) + Compat::mul_add(w[e][3], a3, w[e][2] * a2);
  };
  if constexpr (Reader::contiguous) {  // one loop over all lanes
    SPLINEGRID_SIMD_LOOP
    for (int l = 0; l < G * K; ++l)
      sum(l, lanes(r[0], 0, l), lanes(r[1], 0, l), lanes(r[2], 0, l), lanes(r[3], 0, l));
  } else {
    for (int j = 0; j < G; ++j) {
      SPLINEGRID_SIMD_LOOP
      for (int k = 0; k < K; ++k)
        sum(j * K + k, lanes(r[0], j, k), lanes(r[1], j, k), lanes(r[2], j, k), lanes(r[3], j, k));
    }
  }
}

/// Derivative orders (d_0, ..., d_{M-1}) of entry e of EntryTable<M, Order>.
template <int M, int Order>
KOKKOS_INLINE_FUNCTION constexpr void entry_orders(int e, int* orders) {
  constexpr EntryTable<M, Order> table{};
  orders[0] = table.first[e];
  if constexpr (M > 1) entry_orders<M - 1, Order>(table.inner[e], orders + 1);
}

/// For entry e of EntryTable<Dim, Order> (Dim >= 2): the last axis' derivative
/// order (last[e]) and the entry of the other axes' orders in EntryTable<Dim - 1,
/// Order> (outer[e]).
template <int Dim, int Order>
struct LastAxisSplit {
  static constexpr int count = EntryTable<Dim, Order>::count;
  int last[count] = {};
  int outer[count] = {};
  KOKKOS_INLINE_FUNCTION constexpr LastAxisSplit() {
    for (int e = 0; e < count; ++e) {
      int orders[Dim] = {};
      entry_orders<Dim, Order>(e, orders);
      int head[Dim - 1] = {};
      for (int k = 0; k + 1 < Dim; ++k) head[k] = orders[k];
      last[e] = orders[Dim - 1];
      outer[e] = derivative_index<Dim - 1, Order>(head);
    }
  }
};

/// out[e L + l], L = G K: the outer axes Axis..Dim-2 contracted for lane l (see
/// LaneReader) and entry e of EntryTable<Dim - 1 - Axis, Order>. Lanes innermost,
/// so every tap is one vector multiply-add over the lanes. The innermost outer axis
/// sums its taps pairwise (dependency depth 2, not a serial chain of 4); the axes
/// above it add their four children one after the other, so that one child's lanes
/// are live at a time instead of four (4D float forward: 13.6 -> 34 M points/s).
template <int Axis, int Dim, int Order, int K, int G, class Scalar, class Reader>
KOKKOS_FORCEINLINE_FUNCTION void contract_lanes(
    AxisStencil<Scalar, Order> const (&st)[Dim], std::int64_t const (&offsets)[Dim][4],
    std::int64_t offset, Reader const& lanes,
    Scalar (&out)[G * K * derivative_entries<Dim - 1, Order, Axis>]) {
  constexpr int L = G * K;
  constexpr EntryTable<Dim - 1 - Axis, Order> table{};
  std::int64_t const r[4] = {offset + offsets[Axis][0], offset + offsets[Axis][1],
                             offset + offsets[Axis][2], offset + offsets[Axis][3]};
  if constexpr (Axis == Dim - 2) {
    lane_tap_sum<K, G, Order>(lanes, st[Axis].w, r, out);  // one axis: entry e is order e
  } else {
    constexpr int inner = derivative_entries<Dim - 1, Order, Axis + 1>;
    Scalar b[L * inner];
    for (int t = 0; t < 4; ++t) {
      contract_lanes<Axis + 1, Dim, Order, K, G>(st, offsets, r[t], lanes, b);
      SPLINEGRID_UNROLL_SMALL_LOOP
      for (int e = 0; e < table.count; ++e) {
        Scalar const w = st[Axis].w[table.first[e]][t];
        int const f = table.inner[e] * L;
        SPLINEGRID_SIMD_LOOP
        for (int l = 0; l < L; ++l) out[e * L + l] = t == 0 ? w * b[f + l] : Compat::mul_add(w, b[f + l], out[e * L + l]);
      }
    }
  }
}

/// Last-axis taps per lane group: for derivatives, all four when their G K lanes
/// fit in 96 bytes (three AVX registers), else 2 or 1, so that the partial results
/// of each contraction step, one per derivative entry, stay in registers (with the
/// first contraction, 3D C=8 double forward ran at 24.6 M points/s with G = 4 and
/// 29.4 with G = 1; 2D C=8 double gradients now 37 with G = 2, 32 with G = 4). For
/// values alone, all four up to 256 bytes: each outer row's taps are then read in
/// one pass (3D C=8 forward with the chunked kernel and row offsets, double: G = 1
/// 31.3, G = 2 33.5, G = 4 34.7 M points/s; float 61.6 -> 64.8 with G = 4). The
/// grouping changes no result: each lane is contracted alike, and the last axis
/// sums its taps as (t0 + t1) + (t2 + t3) for every G.
template <int K, class Scalar, int Order>
inline constexpr int lane_group =
    4 * K * int(sizeof(Scalar)) <= (Order == 0 ? 256 : 96) ? 4 : (2 * K * int(sizeof(Scalar)) <= 96 ? 2 : 1);

/// True if the stencil's four taps are consecutive rows (always on a linear axis
/// with n >= 4; not at wrap/mirror/reflect seams or on short axes).
template <class Scalar, int Order>
KOKKOS_FORCEINLINE_FUNCTION bool consecutive_taps(AxisStencil<Scalar, Order> const& s) {
  return s.row[1] == s.row[0] + 1 && s.row[2] == s.row[0] + 2 && s.row[3] == s.row[0] + 3;
}

/// contract() with the last axis' lanes read contiguously or tap by tap.
template <int Dim, int Order, int K, bool Contiguous, class Scalar, class Leaf>
KOKKOS_FORCEINLINE_FUNCTION void contract_with(AxisStencil<Scalar, Order> const (&st)[Dim],
                                               std::int64_t row, Leaf const& leaf,
                                               Scalar (&out)[K * derivative_entries<Dim, Order>]) {
  constexpr int E = derivative_entries<Dim, Order>;
  Scalar const(&w)[Order + 1][4] = st[Dim - 1].w;
  std::int64_t const(&taps)[4] = st[Dim - 1].row;
  if constexpr (Dim == 1) {
    LaneReader<K, 4, Contiguous, Scalar, Leaf> const lanes{
        leaf, {leaf.row(row + taps[0]), leaf.row(row + taps[1]), leaf.row(row + taps[2]),
               leaf.row(row + taps[3])}};
    if constexpr (K == 1) {  // read each tap once for all entries (a projected one is a sum)
      Scalar const a[4] = {lanes(0, 0, 0), lanes(0, 1, 0), lanes(0, 2, 0), lanes(0, 3, 0)};
      SPLINEGRID_UNROLL_SMALL_LOOP
      for (int e = 0; e < E; ++e) out[e] = Compat::mul_add(w[e][1], a[1], w[e][0] * a[0]) + Compat::mul_add(w[e][3], a[3], w[e][2] * a[2]);
    } else {
      SPLINEGRID_UNROLL_SMALL_LOOP
      for (int e = 0; e < E; ++e) {  // one axis: entry e is order e
        SPLINEGRID_SIMD_LOOP
        for (int k = 0; k < K; ++k)
          out[k * E + e] = Compat::mul_add(w[e][1], lanes(0, 1, k), w[e][0] * lanes(0, 0, k)) +
                           Compat::mul_add(w[e][3], lanes(0, 3, k), w[e][2] * lanes(0, 2, k));
      }
    }
  } else {
    constexpr int G = lane_group<K, Scalar, Order>;
    constexpr int Eo = derivative_entries<Dim - 1, Order>;
    constexpr LastAxisSplit<Dim, Order> split{};
    // The outer axes' rows as element offsets, scaled once here rather than at
    // every one of the 4^(Dim-1) rows of every lane group (3D C = 8: a third of
    // the instructions were this index arithmetic).
    std::int64_t offsets[Dim][4];
    for (int k = 0; k + 1 < Dim; ++k)
      for (int t = 0; t < 4; ++t) offsets[k][t] = st[k].row[t] * leaf.pitch;
    Scalar pair[2][K * E];  // (t0 + t1) and (t2 + t3) when G < 4
    (void)pair;
    for (int g = 0; g < 4 / G; ++g) {
      LaneReader<K, G, Contiguous, Scalar, Leaf> lanes{leaf, {}};
      for (int j = 0; j < G; ++j) lanes.taps[j] = leaf.row(row + taps[g * G + j]);
      Scalar v[G * K * Eo];
      contract_lanes<0, Dim, Order, K, G>(st, offsets, 0, lanes, v);
      SPLINEGRID_UNROLL_SMALL_LOOP
      for (int e = 0; e < E; ++e) {
        Scalar const* const wd = w[split.last[e]] + g * G;
        Scalar const* const ve = v + split.outer[e] * G * K;
        SPLINEGRID_SIMD_LOOP
        for (int k = 0; k < K; ++k) {
          if constexpr (G == 4) {
            out[k * E + e] = Compat::mul_add(wd[1], ve[K + k], wd[0] * ve[k]) + Compat::mul_add(wd[3], ve[3 * K + k], wd[2] * ve[2 * K + k]);
          } else if constexpr (G == 2) {
            pair[g][k * E + e] = Compat::mul_add(wd[1], ve[K + k], wd[0] * ve[k]);
          } else if (g % 2 == 0) {
            pair[g / 2][k * E + e] = wd[0] * ve[k];
          } else {
            pair[g / 2][k * E + e] = Compat::mul_add(wd[0], ve[k], pair[g / 2][k * E + e]);
          }
        }
      }
    }
    if constexpr (G < 4) {
      for (int i = 0; i < K * E; ++i) out[i] = pair[0][i] + pair[1][i];
    }
  }
}

/// out[c * E + e], E = derivative_entries<Dim, Order>, gets, for the entry e =
/// (d_0, ..., d_{Dim-1}) of EntryTable<Dim, Order>,
///   sum over taps j_0..j_{Dim-1} of prod_k st[k].w[d_k][j_k] · cp(row + rows, c).
/// The outer axes are contracted first, with the last axis' taps times K channels
/// kept as vector lanes (contract_lanes), and the last axis last: when its taps
/// are consecutive rows, every step is a vector multiply-add over contiguous
/// control values. Forward, derivatives and the adjoint's dL/dx all use it.
template <int Dim, int Order, int K, class Scalar, class Leaf>
KOKKOS_FORCEINLINE_FUNCTION void contract(AxisStencil<Scalar, Order> const (&st)[Dim],
                                          std::int64_t row, Leaf const& leaf,
                                          Scalar (&out)[K * derivative_entries<Dim, Order>]) {
  // In 1D only the final sum reads lanes: nothing to gain from the check.
  if (Dim > 1 && leaf.lanes_contiguous() && consecutive_taps(st[Dim - 1])) {
    contract_with<Dim, Order, K, true>(st, row, leaf, out);
  } else {
    contract_with<Dim, Order, K, false>(st, row, leaf, out);
  }
}

/// Calls f(row, weight) for each of the 4^Until tap combinations of axes 0..Until-1
/// (Until = Dim: every tap), weight = prod_k st[k].w[0][j_k] (times `weight`, which
/// carries the outer axes): the scatter side of the adjoint and of the
/// normal-equation diagonal, on the same stencils as contract().
template <int Axis, int Dim, int Until = Dim, int Order, class Scalar, class F>
KOKKOS_FORCEINLINE_FUNCTION void for_each_tap(AxisStencil<Scalar, Order> const (&st)[Dim],
                                              std::int64_t row, Scalar weight, F& f) {
  if constexpr (Axis == Until) {
    f(row, weight);
  } else {
    for (int j = 0; j < 4; ++j)
      for_each_tap<Axis + 1, Dim, Until>(st, row + st[Axis].row[j], weight * st[Axis].w[0][j], f);
  }
}

/// True if Access (an adjoint scatter accessor) hands out plain pointers to its rows
/// (Access::row_data(row), rows Access::pitch() values apart).
template <class Access, class = void>
struct HasRowData : std::false_type {};
template <class Access>
struct HasRowData<Access, std::void_t<decltype(std::declval<Access const&>().row_data(0))>>
    : std::true_type {};

/// The adjoint's scatter: access(row, c0 + c) += weight(tap) * g[c] for every tap
/// (weight as for_each_tap's). With an accessor with plain rows of K values (the
/// per-thread copies), the last axis' four consecutive taps are 4K contiguous
/// values, updated with vector multiply-adds: K lanes at a time, or for one channel
/// the four taps as four lanes, each lane's weight computed in the loop (built in a
/// local array first, those weights cost more than they saved in float 3D and 1D).
/// Callgrind, fast adjoint, instructions per point: 3D double C=8 5142 -> 2887, C=3
/// 2648 -> 2237, C=1 1182 -> 901, float C=1 1181 -> 865, 2D 561 -> 501. 1D with one
/// channel stays tap by tap (no outer axes: nothing to gain). Same products in the
/// same order either way, so the results are unchanged.
template <int K, int Dim, class Scalar, class Access>
KOKKOS_FORCEINLINE_FUNCTION void scatter_taps(AxisStencil<Scalar, 1> const (&st)[Dim], int c0,
                                              Scalar const (&g)[K], Access& access) {
  if constexpr (HasRowData<Access>::value && !(K == 1 && Dim == 1)) {
    if (access.pitch() == K && consecutive_taps(st[Dim - 1])) {
      Scalar const(&wl)[4] = st[Dim - 1].w[0];
      std::int64_t const first = st[Dim - 1].row[0];
      auto row_add = [&](std::int64_t row, Scalar weight) {
        Scalar* const p = access.row_data(row + first) + c0;
        if constexpr (K == 1) {
          SPLINEGRID_SIMD_LOOP
          for (int j = 0; j < 4; ++j) p[j] += (weight * wl[j]) * g[0];
        } else {
          for (int j = 0; j < 4; ++j) {
            Scalar const w = weight * wl[j];
            SPLINEGRID_SIMD_LOOP
            for (int c = 0; c < K; ++c) p[j * K + c] += w * g[c];
          }
        }
      };
      for_each_tap<0, Dim, Dim - 1>(st, 0, Scalar(1), row_add);
      return;
    }
  }
  auto tap_add = [&](std::int64_t row, Scalar weight) {
    for (int c = 0; c < K; ++c) access(row, c0 + c) += weight * g[c];
  };
  for_each_tap<0, Dim>(st, 0, Scalar(1), tap_add);
}

}  // namespace splinegrid::Impl

#endif
