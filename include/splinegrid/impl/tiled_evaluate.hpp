#ifndef SPLINEGRID_IMPL_TILED_EVALUATE_HPP
#define SPLINEGRID_IMPL_TILED_EVALUATE_HPP

/// @file
/// Cell tiling of the chunked CPU kernels: each work item takes a tile of
/// tile_points points, orders them by a coarse cell bucket (a counting sort of the
/// tile, stable), and runs the chunk loop on them in that order, so that points whose
/// stencils share control rows run one after another and find those rows in L1.
/// With uniformly random points, every point of the untiled kernel reads its 4^Dim
/// rows from L2 once the grid outgrows L1: 3D C = 8 double reads 64 cache lines per
/// point, and at 16^3 (256 KiB) the kernel runs at the L2-to-L1 bandwidth (AMD Zen 4:
/// 37 M points/s against 52 with a 4^3 grid that fits L1; prefetching the next
/// point's rows gained nothing). Each point's arithmetic is the chunked kernel's, so
/// results are unchanged bit for bit; only the order in which points are computed
/// differs. Outputs are then written out of order within the tile, so the tile's
/// output rows are prefetched first (without that, 3D C = 8 double tiled ran at 33
/// M points/s against 37 untiled; with it, 40).

#include <splinegrid/impl/chunk_stencils.hpp>
#include <splinegrid/impl/wide_kernels.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

/// Whether the chunked kernels tile their points by cell (see the file comment):
/// automatic follows tiling_pays; off and on force it (tests compare both).
enum class PointTiling { automatic, off, on };

/// Points per tile (one work item): large enough that a tile's points fill each
/// bucket with a few points (tile_buckets_max buckets), small enough that its order
/// fits 16-bit indices and its points and outputs stay in L2 between the sort and
/// the chunks. Zen 4, 3D C = 8 double, M points/s untiled -> tiled, 16^3 and 32^3
/// grids: 512 points and 64 buckets 37.4 -> 38.7 and 28.2 -> 28.1; 1024/256 35.8 ->
/// 40.1 and 26.5 -> 29.9; 2048/256 32.5 -> 41.0 and 26.1 -> 27.7; 4096/512 35.4 ->
/// 40.3 and 27.6 -> 33.6 (same period, alternating). Rechecked (session 21, best
/// of 10, two runs, 16^3 and 32^3 tiled): 4096/512 41.9-42.3 and 32.5-32.6; 4096/64
/// 40.3-40.6, 31.3-32.2; 4096/128 39.9-41.6, 30.2-31.5; 4096/256 39.6-39.7,
/// 27.1-28.7; 8192/512 35.9-39.8, 29.4-31.0; 8192/256 35.8-39.2, 29.8-30.7.
inline constexpr int tile_points = 4096;

/// Most buckets a tile sorts into.
inline constexpr int tile_buckets_max = 512;

/// The buckets of a grid: bucket of a point = sum over axes k of (its interval on
/// axis k >> shift[k]) * stride[k], row-major like the control points (the last axis
/// fastest), so that consecutive buckets are neighbours in memory too. Blocks start
/// at 2 intervals per axis and double on the axis with most blocks until there are at
/// most tile_buckets_max (16^3: 8 x 8 x 8 blocks of 2 x 2 x 2 intervals).
template <int Dim>
struct TilePlan {
  int shift[Dim] = {};
  int stride[Dim] = {};
  int buckets = 1;

  TilePlan() = default;
  template <class EvaluatorType>
  explicit TilePlan(EvaluatorType const& eval) {
    std::int64_t blocks[Dim];
    auto const count = [&](int k) { return ((eval.axis(k).n - 2) >> shift[k]) + 1; };
    for (int k = 0; k < Dim; ++k) {
      shift[k] = 1;
      blocks[k] = count(k);
    }
    for (;;) {
      std::int64_t total = 1;
      int widest = 0;
      for (int k = 0; k < Dim; ++k) {
        total *= blocks[k];
        if (blocks[k] > blocks[widest]) widest = k;
      }
      if (total <= tile_buckets_max) break;
      ++shift[widest];
      blocks[widest] = count(widest);
    }
    for (int k = Dim - 1; k >= 0; --k) {
      stride[k] = buckets;
      buckets *= static_cast<int>(blocks[k]);
    }
  }
};

/// Bytes of control points from which tiling pays on a CPU (see tiling_pays).
inline constexpr std::int64_t tiling_grid_bytes_min = 64 * 1024;

/// The automatic choice: tile for the fixed C = 8 forward kernel (see
/// with_value_kernel_variant) in 3D and 4D when the control points outgrow L1 (more
/// than tiling_grid_bytes_min) and every thread gets at least four tiles of points.
/// Only that kernel is fast enough to wait on L2, and only with 16 or 64 rows per
/// point; elsewhere the sort costs more than the locality gives. Zen 4, 2 threads,
/// 1e6 points, M points/s untiled -> tiled: 3D C = 8 double 16^3 37-38 -> 40-41,
/// 32^3 28 -> 33, 64^3 9.9 -> 15.6, float 16^3 73 -> 80-87; C = 16 double (run-time
/// C) 13.9 -> 13.8, C = 4 double 36.8 -> 29.6, float 50.3 -> 50.7, C = 3 double
/// (fixed) 55-59 -> 52-54, C = 1 64^3 79.5 -> 74.8, 128^3 33 -> 38, 256^3 10.5 ->
/// 10.3; C = 8 double 4D 16^4 7.9 -> 9.5, 2D 64^2 106 -> 105, 1D 4096 204 -> 179.
template <class EvaluatorType>
bool tiling_pays(EvaluatorType const& eval, std::int64_t points, int threads) {
  auto const& cp = eval.control_points();
  std::int64_t const bytes = static_cast<std::int64_t>(cp.extent(0) * cp.extent(1) *
                                                       sizeof(typename EvaluatorType::value_type));
  return EvaluatorType::dimension >= 3 && eval.channels() == 8 &&
         bytes > tiling_grid_bytes_min && points >= std::int64_t(4) * tile_points * threads;
}

/// One chunk's coordinates gathered in tile order, read as the chunk loop reads a
/// points view (point q of the chunk, axis k).
template <class Scalar, int Dim>
struct ChunkPointBuffer {
  Scalar x[Dim][chunk_points];
  KOKKOS_FORCEINLINE_FUNCTION Scalar operator()(std::int64_t q, int k) const { return x[k][q]; }
};

/// A per-point kernel `Flat` (as for EvaluateChunked, plus prefetch_outputs(i0, i1):
/// EvaluateValues) run by tiles (see the file comment): tile_points points per work
/// item. Needs chunking_fits(eval).
template <int Order, class Flat>
struct EvaluateTiled {
  using EvaluatorType = decltype(Flat::eval);
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  static_assert(Flat::variant_type::torch, "splinegrid: the tiled kernel needs torch rules");
  Flat flat;
  std::int64_t count;  ///< number of points
  ChunkBounds<Scalar, Dim> bounds;
  TilePlan<Dim> plan;

  explicit EvaluateTiled(Flat const& kernel)
      : flat(kernel),
        count(static_cast<std::int64_t>(kernel.points.extent(0))),
        bounds(kernel.eval),
        plan(kernel.eval) {}

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t tile) const { run(tile); }

  /// The work of tile `tile` (its points tile * tile_points on).
  KOKKOS_FORCEINLINE_FUNCTION void run(std::int64_t tile) const {
    std::int64_t const p0 = tile * tile_points;
    int const size = static_cast<int>(count - p0 < tile_points ? count - p0 : tile_points);
    flat.prefetch_outputs(p0, p0 + size);
    std::uint16_t order[tile_points];
    sort_tile(p0, size, order);
    int q0 = 0;
    for (; q0 + chunk_points <= size; q0 += chunk_points) {
      ChunkPointBuffer<Scalar, Dim> chunk;
      for (int q = 0; q < chunk_points; ++q)
        for (int k = 0; k < Dim; ++k)
          chunk.x[k][q] = static_cast<Scalar>(flat.points(p0 + order[q0 + q], k));
      for_each_chunk_point<Order>(flat.eval, chunk, bounds, 0, Store{flat, p0, order + q0});
    }
    for (; q0 < size; ++q0) flat(p0 + order[q0]);
  }

  /// order[0..size) = the tile's points p0 + order[j] by bucket, ties by index.
  KOKKOS_FORCEINLINE_FUNCTION void sort_tile(std::int64_t p0, int size, std::uint16_t* order) const {
    int bucket[tile_points];
    for (int q = 0; q < size; ++q) bucket[q] = 0;
    for (int k = 0; k < Dim; ++k) {
      auto const& axis = flat.eval.axis(k);
      Scalar const lo = axis.lo, scale = axis.scale;
      int const last_cell = static_cast<int>(axis.n - 2);  // last interval
      Scalar const last = Scalar(last_cell);
      int const shift = plan.shift[k], stride = plan.stride[k];
      SPLINEGRID_SIMD_LOOP
      for (int q = 0; q < size; ++q) {
        Scalar const x = (static_cast<Scalar>(flat.points(p0 + q, k)) - lo) * scale;
        // Clamped to [0, last] before the conversion (NaN and +inf -> last, -inf
        // -> 0), and again as an integer (a float `last` above 2^24 may round up):
        // any bucket is correct, only the order changes.
        Scalar const xl = x < last ? x : last;
        Scalar const xc = xl >= Scalar(0) ? xl : Scalar(0);
        int const cell = static_cast<int>(xc);
        bucket[q] += ((cell < last_cell ? cell : last_cell) >> shift) * stride;
      }
    }
    int first[tile_buckets_max + 1];
    for (int b = 0; b <= plan.buckets; ++b) first[b] = 0;
    for (int q = 0; q < size; ++q) ++first[bucket[q] + 1];
    for (int b = 0; b < plan.buckets; ++b) first[b + 1] += first[b];
    for (int q = 0; q < size; ++q) order[first[bucket[q]]++] = static_cast<std::uint16_t>(q);
  }

  /// The chunk loop's sink: point q of the chunk is point p0 + order[q].
  struct Store {
    Flat const& flat;
    std::int64_t p0;
    std::uint16_t const* order;
    KOKKOS_FORCEINLINE_FUNCTION void operator()(std::int64_t q,
                                                AxisStencil<Scalar, Order> const (&st)[Dim]) const {
      flat.store(p0 + order[q], st);
    }
  };

  /// Number of work items for `count` points.
  static std::int64_t tiles(std::int64_t count) { return (count + tile_points - 1) / tile_points; }
};

/// EvaluateTiled compiled for AVX-512 (see WideKernel in wide_kernels.hpp).
template <int Order, class Flat>
using EvaluateTiledWide = WideKernel<EvaluateTiled<Order, Flat>>;

}  // namespace splinegrid::Impl

#endif
