#ifndef SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP
#define SPLINEGRID_IMPL_CHUNKED_EVALUATE_HPP

/// @file
/// CPU strategy of evaluate(), evaluate_gradients() and evaluate_hessians() under
/// torch-cubic-spline-grids' rules: each work item takes a chunk of points, computes
/// their stencils in one loop vectorised across the chunk (ChunkAxisStencils), then
/// contracts point by point as the flat kernel does, with the same results bit for bit.

#include <splinegrid/impl/chunk_stencils.hpp>
#include <splinegrid/impl/evaluate_kernels.hpp>
#include <splinegrid/impl/wide_kernels.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

/// A per-point kernel `Flat` (EvaluateValues, EvaluateDerivatives: members eval,
/// points, store(i, stencils of derivative order Order) and operator()(i)) run by
/// chunks: chunk_points points per work item (see the file comment); a chunk with
/// fewer points (the last) runs the flat kernel per point. Needs chunking_fits(eval).
template <int Order, class Flat>
struct EvaluateChunked {
  using EvaluatorType = decltype(Flat::eval);
  using Points = decltype(Flat::points);
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  static_assert(Flat::variant_type::torch, "splinegrid: the chunked kernel needs torch rules");
  Flat flat;
  std::int64_t count;  ///< number of points
  ChunkBounds<Scalar, Dim> bounds;

  explicit EvaluateChunked(Flat const& kernel)
      : flat(kernel), count(static_cast<std::int64_t>(kernel.points.extent(0))), bounds(kernel.eval) {}

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t chunk) const { run(chunk); }

  /// The work of chunk `chunk` (its points chunk * chunk_points on).
  KOKKOS_FORCEINLINE_FUNCTION void run(std::int64_t chunk) const {
    std::int64_t const p0 = chunk * chunk_points;
    if (count - p0 < chunk_points) {
      for (std::int64_t p = p0; p < count; ++p) flat(p);
      return;
    }
    for_each_chunk_point<Order>(flat.eval, flat.points, bounds, p0, Store{flat});
  }

  /// The chunk loop's sink: the per-point kernel's store.
  struct Store {
    Flat const& flat;
    KOKKOS_FORCEINLINE_FUNCTION void operator()(std::int64_t i,
                                                AxisStencil<Scalar, Order> const (&st)[Dim]) const {
      flat.store(i, st);
    }
  };

  /// Number of work items for `count` points.
  static std::int64_t chunks(std::int64_t count) {
    return (count + chunk_points - 1) / chunk_points;
  }
};

/// EvaluateChunked compiled for AVX-512 (see WideKernel in wide_kernels.hpp).
template <int Order, class Flat>
using EvaluateChunkedWide = WideKernel<EvaluateChunked<Order, Flat>>;

}  // namespace splinegrid::Impl

#endif
