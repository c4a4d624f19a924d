#ifndef SPLINEGRID_IMPL_CHUNK_STENCILS_HPP
#define SPLINEGRID_IMPL_CHUNK_STENCILS_HPP

/// @file
/// Stencils of a chunk of points computed in one loop per axis vectorised across the
/// points, for CPU kernels under torch-cubic-spline-grids' rules (EvaluateChunked,
/// the adjoint). Per point, the stencils (interval, weights, ghost fold) are most of
/// the forward work in 1D and 2D (2D: 123 of 166 instructions) and ~40% of the fast
/// 3D adjoint's, and their branches on the ghost cases mispredict; across points they
/// become vector arithmetic. Same formulas as linear_axis_stencil (fold_linear_window,
/// basis_weights), so kernels using them give the flat kernels' results bit for bit
/// for finite and NaN coordinates (an infinite one under Extrapolation::extend gives
/// non-finite weights either way, not always the same non-finite values: the mask
/// sums multiply them by 0).

#include <splinegrid/impl/axis_stencil.hpp>
#include <splinegrid/impl/contract.hpp>  // static_for

#include <Kokkos_Core.hpp>

#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace splinegrid::Impl {

/// Points per chunk: eight AVX2 vectors of doubles, four of floats. Per chunk and
/// axis the stencil loop has fixed costs (the axis' constants, the basis branch, the
/// vector loop's entry), which 8 points (stop 20) paid once per one or two vectors.
/// Standalone harness, 2 threads, 1e6 points, 16^D grid, M points/s, 8 -> 32 points:
/// 3D double forward 47.3 -> 52.3, gradients 26.2 -> 29.9, Hessians 12.1 -> 15.0,
/// fast adjoint 12.8 -> 13.9; float forward 77.4 -> 86.1, Hessians 18.3 -> 22.6;
/// 1D double forward 219 -> 236, fast adjoint 101 -> 114. 64 points gained little
/// more (3D double forward 52.6, Hessians 16.0) on twice the stack arrays.
inline constexpr int chunk_points = 32;

/// True if every axis of `eval` suits the chunked stencils: torch rules (see
/// Evaluator::torch_rules) and 4 <= n < 2^31 control points (contiguous windows;
/// 32-bit interval indices, the widest vector units convert to everywhere).
template <class EvaluatorType>
bool chunking_fits(EvaluatorType const& eval) {
  if (!eval.torch_rules()) return false;
  for (int k = 0; k < EvaluatorType::dimension; ++k)
    if (eval.axis(k).n < 4 || eval.axis(k).n > INT_MAX) return false;
  return true;
}

/// Per axis, the bounds that replace linear_axis_stencil's branches on the
/// extrapolation: t is taken from the pixel coordinate clamped to [t_lo, t_hi]
/// ([0, n-1], or infinite for Extrapolation::extend), and derivatives are nonzero
/// for coordinates u in [u_lo, u_hi] ([lo, hi], or infinite for extend).
template <class Scalar, int Dim>
struct ChunkBounds {
  Kokkos::Array<Scalar, Dim> t_lo, t_hi, u_lo, u_hi;

  ChunkBounds() = default;
  template <class EvaluatorType>
  explicit ChunkBounds(EvaluatorType const& eval) {
    Scalar const inf = std::numeric_limits<Scalar>::infinity();
    for (int k = 0; k < Dim; ++k) {
      auto const& axis = eval.axis(k);
      bool const extend = axis.extrapolation == Extrapolation::extend;
      t_lo[k] = extend ? -inf : Scalar(0);
      t_hi[k] = extend ? inf : Scalar(axis.n - 1);
      u_lo[k] = extend ? -inf : axis.lo;
      u_hi[k] = extend ? inf : axis.hi;
    }
  }
};

/// +0 where `mask` is 1, else v (mask 0 or 1), by clearing v's bits: NaN becomes 0
/// too, and unlike a select GCC keeps it in the vector loop (a select there left
/// the stencil loops scalar: 3D forward 369 -> 574 instructions per point).
template <class Scalar>
KOKKOS_FORCEINLINE_FUNCTION Scalar zero_where(int mask, Scalar v) {
  using Bits = std::conditional_t<sizeof(Scalar) == 8, std::uint64_t, std::uint32_t>;
  static_assert(sizeof(Bits) == sizeof(Scalar), "zero_where: float or double");
  Bits bits;
  std::memcpy(&bits, &v, sizeof bits);
  bits &= Bits(mask) - Bits(1);  // mask 1: all bits clear; mask 0: all set
  std::memcpy(&v, &bits, sizeof bits);
  return v;
}

/// Stencils of derivative order `Order` for the chunk of points p0..p0+chunk_points-1
/// of `points`: start[k][q] is the first control index of axis k's window for point
/// p0 + q, weight[k][d][j][q] its tap j's weight of derivative order d. Needs
/// chunking_fits(eval). A functor so that static_for unrolls the axes.
template <int Order, class EvaluatorType, class Points>
struct ChunkAxisStencils {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType const& eval;
  Points const& points;
  ChunkBounds<Scalar, Dim> const& bounds;
  std::int64_t p0;
  int (*start)[chunk_points];                    // [Dim][chunk_points]
  Scalar (*weight)[Order + 1][4][chunk_points];  // [Dim][Order + 1][4][chunk_points]

  template <class Index>
  KOKKOS_FORCEINLINE_FUNCTION void operator()(Index) const {
    constexpr int k = Index::value;
    // The basis as a compile-time constant: a branch on it inside the loop would
    // keep the loop from vectorising.
    if (eval.basis_matrix().id == static_cast<int>(Basis::bspline))
      axis<k, static_cast<int>(Basis::bspline)>();
    else
      axis<k, static_cast<int>(Basis::catmull_rom)>();
  }

  template <int k, int BasisId>
  KOKKOS_FORCEINLINE_FUNCTION void axis() const {
    auto const& axis = eval.axis(k);
    constexpr BasisMatrix<Scalar> matrix = fixed_basis_matrix<Scalar, BasisId>();
    int const n = static_cast<int>(axis.n);
    int const last = n - 2;  // last interval
    Scalar const xmax = Scalar(n - 1);
    Scalar const tlo = bounds.t_lo[k], thi = bounds.t_hi[k];
    Scalar const ulo = bounds.u_lo[k], uhi = bounds.u_hi[k];
    Scalar const lo = axis.lo, scale = axis.scale;
    SPLINEGRID_SIMD_LOOP
    for (int q = 0; q < chunk_points; ++q) {
      Scalar const u = static_cast<Scalar>(points(p0 + q, k));
      Scalar const x = (u - lo) * scale;
      // Every select is a max or a min (NaN stays NaN): xc is x clamped to the axis,
      // xt the coordinate t is taken from (xc, or x itself for Extrapolation::extend,
      // whose bounds are infinite), as in linear_axis_stencil.
      Scalar const xl = x < Scalar(0) ? Scalar(0) : x;
      Scalar const xc = xl > xmax ? xmax : xl;
      Scalar const xtl = x < tlo ? tlo : x;
      Scalar const xt = xtl > thi ? thi : xtl;
      // Interval i = clamp(floor(xc), 0, n-2) as in linear_axis_stencil. Clamped to
      // a named bound: GCC 12 rewrites i > n - 2 as i >= n - 1, no longer a
      // minimum, and leaves the loop scalar.
      Scalar const xs = xc >= Scalar(1) ? xc : Scalar(0);  // NaN -> 0
      int i = static_cast<int>(xs);
      i = i > last ? last : i;
      // du = scale where the coordinate has a derivative (inside [lo, hi], or any
      // for extend), else +0, as linear_axis_stencil's du: scale times a 0/1 mask.
      Scalar du = Scalar(0);
      if constexpr (Order > 0) {
        int const inside = int(u >= ulo) & int(u <= uhi);
        du = scale * Scalar(inside);
      }
      Scalar const t = xt - Scalar(i);
      Scalar const du2 = du * du;
      // Masks of the ends as integer maxima converted (compilers turn masks from
      // comparisons back into branches): 1 - i > 0 only at i = 0, i - (n-3) > 0
      // only at i = n-2.
      int const lower = 1 - i > 0 ? 1 - i : 0;
      int const upper = i - (n - 3) > 0 ? i - (n - 3) : 0;
      Scalar const ml = Scalar(lower), mu = Scalar(upper);
      MaskPick<Scalar> const pick{ml, mu, Scalar(1) - ml - mu};
      order_weights<k, 0>(matrix, t, du, du2, pick, lower, q);
      if constexpr (Order >= 1) order_weights<k, 1>(matrix, t, du, du2, pick, lower, q);
      if constexpr (Order >= 2) order_weights<k, 2>(matrix, t, du, du2, pick, lower, q);
      int const s = i - 1 < 0 ? 0 : i - 1;  // linear_window_start(n, i), in 32 bits
      start[k][q] = s > n - 4 ? n - 4 : s;
    }
  }

  /// Point q's axis-k weights of derivative order D, folded for the ends. One order
  /// at a time, in arrays of four: with all orders' weights in one [Order + 1][4]
  /// array, GCC kept that array in memory for second derivatives (an OpenMP SIMD
  /// lane array it did not recognise) and left the loop scalar (3D Hessians, double,
  /// callgrind: 1401 instructions per point instead of 976; per point 1119).
  template <int k, int D>
  KOKKOS_FORCEINLINE_FUNCTION void order_weights(BasisMatrix<Scalar> const& matrix, Scalar t,
                                                 Scalar du, Scalar du2, MaskPick<Scalar> const& pick,
                                                 int lower, int q) const {
    Scalar b[4], w[4];
    basis_weight_row<D>(matrix, t, du, du2, b);
    fold_linear_window(pick, b, Scalar(1), w);
    // At the lower end tap 3 weighs 0 (linear_axis_stencil picks 0); the mask sum
    // gives 0 too, but NaN for a NaN coordinate (0 * NaN), where the stencil has NaN
    // on taps 0-2 only: the adjoint would scatter NaN into one more row. Values are
    // NaN either way (forward: Order 0 skips the +1-2% this costs).
    if constexpr (Order > 0) w[3] = zero_where(lower, w[3]);
    for (int j = 0; j < 4; ++j) weight[k][D][j][q] = w[j];
  }
};

/// Point q's stencils from a chunk's arrays (see ChunkAxisStencils), as
/// Evaluator::stencils builds them: row-major rows, the last axis with the constant
/// stride 1 (so contract() sees adjacent taps), no fill.
template <int Order, class EvaluatorType, class Scalar, int Dim>
KOKKOS_FORCEINLINE_FUNCTION void chunk_point_stencils(
    EvaluatorType const& eval, int const (&start)[Dim][chunk_points],
    Scalar const (&weight)[Dim][Order + 1][4][chunk_points], int q,
    AxisStencil<Scalar, Order> (&st)[Dim]) {
  for (int k = 0; k < Dim; ++k) {
    std::int64_t const stride = k == Dim - 1 ? 1 : eval.axis(k).stride;
    st[k].window = -1;  // not used by contract() or scatter_taps()
    st[k].fill = false;
    std::int64_t const first = start[k][q];  // 64-bit before adding j: then
    for (int j = 0; j < 4; ++j) {            // the taps are provably adjacent
      st[k].row[j] = (first + j) * stride;
      for (int d = 0; d <= Order; ++d) st[k].w[d][j] = weight[k][d][j][q];
    }
  }
}

/// The chunk loop of the chunked kernels (forward, derivatives, fast adjoint): the
/// stencils of points p0..p0+chunk_points-1 of `points` (ChunkAxisStencils), then
/// sink(p0 + q, stencils of point q) for q = 0, 1, ... in order. Sinks are functors
/// with a force-inlined call operator (GCC outlined lambdas called from the chunked
/// kernels: see EvaluateDerivatives::StoreBlock). Needs chunking_fits(eval).
template <int Order, class EvaluatorType, class Points, class Sink>
KOKKOS_FORCEINLINE_FUNCTION void for_each_chunk_point(
    EvaluatorType const& eval, Points const& points,
    ChunkBounds<typename EvaluatorType::value_type, EvaluatorType::dimension> const& bounds,
    std::int64_t p0, Sink const& sink) {
  using Scalar = typename EvaluatorType::value_type;
  constexpr int Dim = EvaluatorType::dimension;
  int start[Dim][chunk_points];
  Scalar weight[Dim][Order + 1][4][chunk_points];
  static_for<Dim>(ChunkAxisStencils<Order, EvaluatorType, Points>{eval, points, bounds, p0, start,
                                                                 weight});
  for (int q = 0; q < chunk_points; ++q) {
    AxisStencil<Scalar, Order> st[Dim];
    chunk_point_stencils<Order>(eval, start, weight, q, st);
    sink(p0 + q, st);
  }
}

}  // namespace splinegrid::Impl

#endif
