#ifndef SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP
#define SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP

/// @file
/// CPU strategy of evaluate() under torch-cubic-spline-grids' rules: each work item
/// takes a chunk of points and computes their stencils (interval, weights, ghost
/// fold) in one loop vectorised across the chunk's points, then contracts point by
/// point as the flat kernel does. Per point, the stencils are most of the work in
/// 1D and 2D (2D: 123 of 166 instructions) and their branches on the ghost cases
/// mispredict; across points they become vector arithmetic. Same formulas as
/// linear_axis_stencil (fold_linear_window, basis_weights), so the
/// results equal the flat kernel's bit for bit.

#include <splinegrid/impl/evaluate_kernels.hpp>

#include <Kokkos_Core.hpp>

#include <climits>
#include <cstdint>
#include <limits>

namespace splinegrid::Impl {

/// Points per chunk: two AVX2 vectors of doubles, one AVX-512 vector.
inline constexpr int chunk_points = 8;

/// True if every axis of `eval` suits the chunked kernel: torch rules (see
/// Evaluator::torch_rules) and 4 <= n < 2^31 control points (contiguous windows;
/// 32-bit interval indices, the widest vector units convert to everywhere).
template <class EvaluatorType>
bool chunking_fits(EvaluatorType const& eval) {
  if (!eval.torch_rules()) return false;
  for (int k = 0; k < EvaluatorType::dimension; ++k)
    if (eval.axis(k).n < 4 || eval.axis(k).n > INT_MAX) return false;
  return true;
}

/// Stencils of axis k for a chunk's points: window starts and weights, lane q of
/// each array for point p0 + q. A functor so that static_for unrolls the axes.
template <class Kernel>
struct ChunkAxisStencils {
  using Scalar = typename Kernel::Scalar;
  Kernel const& kernel;
  std::int64_t p0;
  int (*start)[chunk_points];         // [Dim][chunk_points]
  Scalar (*weight)[4][chunk_points];  // [Dim][4][chunk_points]

  template <class Index>
  KOKKOS_FORCEINLINE_FUNCTION void operator()(Index) const {
    constexpr int k = Index::value;
    // The basis as a compile-time constant: a branch on it inside the loop would
    // keep the loop from vectorising.
    if (kernel.flat.eval.basis_matrix().id == static_cast<int>(Basis::bspline))
      axis<k, static_cast<int>(Basis::bspline)>();
    else
      axis<k, static_cast<int>(Basis::catmull_rom)>();
  }

  template <int k, int BasisId>
  KOKKOS_FORCEINLINE_FUNCTION void axis() const {
    auto const& axis = kernel.flat.eval.axis(k);
    constexpr BasisMatrix<Scalar> matrix = fixed_basis_matrix<Scalar, BasisId>();
    int const n = static_cast<int>(axis.n);
    int const last = n - 2;  // last interval
    Scalar const xmax = Scalar(n - 1);
    Scalar const tlo = kernel.t_lo[k], thi = kernel.t_hi[k];
    SPLINEGRID_SIMD_LOOP
    for (int q = 0; q < chunk_points; ++q) {
      Scalar const x = (static_cast<Scalar>(kernel.flat.points(p0 + q, k)) - axis.lo) * axis.scale;
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
      Scalar b[1][4];
      basis_weights<0>(matrix, xt - Scalar(i), Scalar(0), b);
      // Masks of the ends as integer maxima converted (compilers turn masks from
      // comparisons back into branches): 1 - i > 0 only at i = 0, i - (n-3) > 0
      // only at i = n-2.
      int const lower = 1 - i > 0 ? 1 - i : 0;
      int const upper = i - (n - 3) > 0 ? i - (n - 3) : 0;
      Scalar const ml = Scalar(lower), mu = Scalar(upper);
      Scalar w[4];
      fold_linear_window(MaskPick<Scalar>{ml, mu, Scalar(1) - ml - mu}, b[0], Scalar(1), w);
      for (int j = 0; j < 4; ++j) weight[k][j][q] = w[j];
      int const s = i - 1 < 0 ? 0 : i - 1;  // linear_window_start(n, i), in 32 bits
      start[k][q] = s > n - 4 ? n - 4 : s;
    }
  }
};

/// values(i, c) = grid(points(i, :)), chunk_points points per work item (see the
/// file comment); a chunk with fewer points (the last) runs the flat kernel per point.
/// Needs chunking_fits(eval).
template <class Variant, class EvaluatorType, class Points, class Values>
struct EvaluateValuesChunked {
  static_assert(Variant::torch, "splinegrid: the chunked kernel needs torch rules");
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluateValues<Variant, EvaluatorType, Points, Values> flat;
  std::int64_t count;  ///< number of points
  /// Per axis, the bounds of the pixel coordinate t is taken from: [0, n-1], or
  /// infinite for Extrapolation::extend.
  Kokkos::Array<Scalar, Dim> t_lo, t_hi;

  EvaluateValuesChunked(EvaluatorType const& eval, Points const& points, Values const& values)
      : flat{eval, points, values}, count(static_cast<std::int64_t>(points.extent(0))) {
    Scalar const inf = std::numeric_limits<Scalar>::infinity();
    for (int k = 0; k < Dim; ++k) {
      bool const extend = eval.axis(k).extrapolation == Extrapolation::extend;
      t_lo[k] = extend ? -inf : Scalar(0);
      t_hi[k] = extend ? inf : Scalar(eval.axis(k).n - 1);
    }
  }

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t chunk) const {
    std::int64_t const p0 = chunk * chunk_points;
    if (count - p0 < chunk_points) {
      for (std::int64_t p = p0; p < count; ++p) flat(p);
      return;
    }
    int start[Dim][chunk_points];
    Scalar weight[Dim][4][chunk_points];
    static_for<Dim>(ChunkAxisStencils<EvaluateValuesChunked>{*this, p0, start, weight});
    for (int q = 0; q < chunk_points; ++q) {
      AxisStencil<Scalar, 0> st[Dim];
      for (int k = 0; k < Dim; ++k) {
        // Rows are row-major: the last axis has stride 1 (a constant, as in
        // Evaluator::axis_stencil, so contract() sees adjacent taps).
        std::int64_t const stride = k == Dim - 1 ? 1 : flat.eval.axis(k).stride;
        st[k].window = -1;  // not needed by the forward contraction
        st[k].fill = false;
        std::int64_t const first = start[k][q];  // 64-bit before adding j: then
        for (int j = 0; j < 4; ++j) {            // the taps are provably adjacent
          st[k].row[j] = (first + j) * stride;
          st[k].w[0][j] = weight[k][j][q];
        }
      }
      flat.store(p0 + q, st);
    }
  }

  /// Number of work items for `count` points.
  static std::int64_t chunks(std::int64_t count) {
    return (count + chunk_points - 1) / chunk_points;
  }
};

}  // namespace splinegrid::Impl

#endif
