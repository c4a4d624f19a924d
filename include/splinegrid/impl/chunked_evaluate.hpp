#ifndef SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP
#define SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP

/// @file
/// CPU strategy of evaluate() under torch-cubic-spline-grids' rules: each work item
/// takes a chunk of points, computes their stencils in one loop vectorised across
/// the chunk (ChunkAxisStencils), then contracts point by point as the flat kernel
/// does, with the same results bit for bit.

#include <splinegrid/impl/chunk_stencils.hpp>
#include <splinegrid/impl/evaluate_kernels.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

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
  ChunkBounds<Scalar, Dim> bounds;

  EvaluateValuesChunked(EvaluatorType const& eval, Points const& points, Values const& values)
      : flat{eval, points, values}, count(static_cast<std::int64_t>(points.extent(0))), bounds(eval) {}

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t chunk) const {
    std::int64_t const p0 = chunk * chunk_points;
    if (count - p0 < chunk_points) {
      for (std::int64_t p = p0; p < count; ++p) flat(p);
      return;
    }
    int start[Dim][chunk_points];
    Scalar weight[Dim][1][4][chunk_points];
    static_for<Dim>(ChunkAxisStencils<0, EvaluatorType, Points>{flat.eval, flat.points, bounds, p0,
                                                               start, weight});
    for (int q = 0; q < chunk_points; ++q) {
      AxisStencil<Scalar, 0> st[Dim];
      chunk_point_stencils<0>(flat.eval, start, weight, q, st);
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
