#ifndef SPLINEGRID_IMPL_STAGED_EVALUATE_HPP
#define SPLINEGRID_IMPL_STAGED_EVALUATE_HPP

/// @file
/// GPU strategy of evaluate() for grids that fit in team scratch (shared memory):
/// each team copies the control points once, coalesced, into scratch and its threads
/// evaluate a chunk of points from there, so the 4^Dim random gathers per point hit
/// shared memory instead of costing a 32-byte L1/L2 sector each. Same arithmetic as
/// the flat kernel (EvaluateValues), so results are bitwise identical.

#include <splinegrid/error.hpp>
#include <splinegrid/impl/chunked_evaluate.hpp>
#include <splinegrid/impl/evaluate_kernels.hpp>
#include <splinegrid/impl/tiled_evaluate.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

/// How evaluate() runs: flat RangePolicy over points, staged in team scratch (GPU),
/// chunked with stencils vectorised across points (CPU, see EvaluateChunked), or
/// chunked with the kernel compiled for AVX-512 (CPU, EvaluateChunkedWide; see
/// wide_chunking_fits).
enum class EvaluateStrategy { automatic, flat, staged, chunked, chunked_wide };

/// Points per team of the staged kernel: large enough that copying a scratch-sized
/// grid (<= 48 KiB) costs a few bytes per point.
inline constexpr std::int64_t staged_points_per_team = 4096;

template <class ExecutionSpace, class Variant, class EvaluatorType, class Points, class Values>
struct EvaluateValuesStaged {
  using Scalar = typename EvaluatorType::value_type;
  using Member = typename Kokkos::TeamPolicy<ExecutionSpace>::member_type;
  using Scratch = Kokkos::View<Scalar*, typename ExecutionSpace::scratch_memory_space,
                               Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  EvaluatorType eval;
  Points points;
  Values values;

  KOKKOS_INLINE_FUNCTION void operator()(Member const& team) const {
    auto const& cp = eval.control_points();
    std::int64_t const size = static_cast<std::int64_t>(cp.extent(0) * cp.extent(1));
    Scratch local(team.team_scratch(0), size);
    Scalar const* global = cp.data();
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, size),
                         [&](std::int64_t e) { local(e) = global[e]; });
    team.team_barrier();
    EvaluateValues<Variant, EvaluatorType, Points, Values> const kernel{
        eval.with_control_points_at(local.data()), points, values};
    std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
    std::int64_t const begin = static_cast<std::int64_t>(team.league_rank()) * staged_points_per_team;
    std::int64_t const end = begin + staged_points_per_team < n ? begin + staged_points_per_team : n;
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, begin, end),
                         [&](std::int64_t i) { kernel(i); });
  }
};

/// Bytes of team scratch the staged kernel needs for `eval`'s control points.
template <class EvaluatorType>
std::int64_t staged_scratch_bytes(EvaluatorType const& eval) {
  auto const& cp = eval.control_points();
  return static_cast<std::int64_t>(cp.extent(0) * cp.extent(1) *
                                   sizeof(typename EvaluatorType::value_type));
}

/// True if the staged kernel can run `eval` on ExecutionSpace (the grid fits in
/// level-0 scratch).
template <class ExecutionSpace, class EvaluatorType>
bool staging_fits(EvaluatorType const& eval) {
  return staged_scratch_bytes(eval) <= Kokkos::TeamPolicy<ExecutionSpace>::scratch_size_max(0);
}

/// True for execution spaces whose memory the host cannot access (GPUs).
template <class ExecutionSpace>
inline constexpr bool is_device_space =
    !Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecutionSpace::memory_space>::accessible;

/// True if the wide chunked kernel can run `eval`: it suits the chunked one
/// (chunking_fits), has C = 8 channels (the fixed-C = 8 kernel: one 512-bit vector
/// holds a control row of doubles; forward 3D C = 8, M points/s, AMD Zen 4 double
/// +4-11%, float +15-40%; C = 3 and 5 gained nothing, README Performance), and
/// wide_kernels_available().
template <class EvaluatorType>
bool wide_chunking_fits(EvaluatorType const& eval) {
  return wide_kernels_compiled && eval.channels() == 8 && chunking_fits(eval) &&
         wide_kernels_available();
}

/// The automatic choice: on GPU-like spaces staged when the grid fits, else flat; on
/// CPU spaces (whose caches already hold small grids) chunked when the grid suits
/// it (chunking_fits), wide where wide_chunking_fits, else flat.
template <class ExecutionSpace, class EvaluatorType>
EvaluateStrategy choose_evaluate_strategy(EvaluatorType const& eval) {
  if constexpr (is_device_space<ExecutionSpace>) {
    return staging_fits<ExecutionSpace>(eval) ? EvaluateStrategy::staged : EvaluateStrategy::flat;
  } else {
    if (!chunking_fits(eval)) return EvaluateStrategy::flat;
    return wide_chunking_fits(eval) ? EvaluateStrategy::chunked_wide : EvaluateStrategy::chunked;
  }
}

/// evaluate() with an explicit strategy (tests force each on host spaces; chunked
/// and chunked_wide exist on host spaces only) and, for the chunked strategies, cell
/// tiling (PointTiling; automatic: tiling_pays). Throws std::invalid_argument if
/// `staged` is asked for a grid that does not fit, `chunked` for one that does not
/// suit it, or `chunked_wide` where wide_chunking_fits is false.
template <class ExecutionSpace, class EvaluatorType, class Points, class Values>
void launch_evaluate(ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
                     Values const& values, EvaluateStrategy strategy,
                     PointTiling tiling = PointTiling::automatic) {
  if (strategy == EvaluateStrategy::automatic)
    strategy = choose_evaluate_strategy<ExecutionSpace>(eval);
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  if constexpr (!is_device_space<ExecutionSpace>) {
    bool const wide = strategy == EvaluateStrategy::chunked_wide;
    if (strategy == EvaluateStrategy::chunked || wide) {
      require(chunking_fits(eval), "splinegrid::evaluate",
              "chunked strategy: needs torch rules and 4 <= n < 2^31 control points per axis");
      require(!wide || wide_chunking_fits(eval), "splinegrid::evaluate",
              "chunked_wide strategy: needs C = 8 channels, a GCC build for AVX2 + FMA "
              "(x86-64-v3) and a CPU with AVX-512 F/VL/BW/DQ/CD");
      bool const tiled =
          tiling == PointTiling::on ||
          (tiling == PointTiling::automatic && tiling_pays(eval, n, Compat::concurrency(exec)));
      with_value_kernel_variant(eval, [&](auto variant) {
        using Variant = decltype(variant);
        if constexpr (Variant::torch) {
          using Flat = EvaluateValues<Variant, EvaluatorType, Points, Values>;
          using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
          Flat const flat{eval, points, values};
          using Chunked = EvaluateChunked<0, Flat>;
          using Tiled = EvaluateTiled<0, Flat>;
          Policy const chunks(exec, 0, Chunked::chunks(n)), tiles(exec, 0, Tiled::tiles(n));
          if constexpr (wide_kernels_compiled && Variant::channels == 8) {
            if (wide && tiled) {
              Kokkos::parallel_for("splinegrid::evaluate_tiled_wide", tiles,
                                   EvaluateTiledWide<0, Flat>(flat));
              return;
            }
            if (wide) {
              Kokkos::parallel_for("splinegrid::evaluate_chunked_wide", chunks,
                                   EvaluateChunkedWide<0, Flat>(flat));
              return;
            }
          }
          if (tiled)
            Kokkos::parallel_for("splinegrid::evaluate_tiled", tiles, Tiled(flat));
          else
            Kokkos::parallel_for("splinegrid::evaluate_chunked", chunks, Chunked(flat));
        }
      });
      return;
    }
  }
  require(strategy != EvaluateStrategy::chunked && strategy != EvaluateStrategy::chunked_wide,
          "splinegrid::evaluate", "chunked strategies: CPU execution spaces only");
  if (strategy == EvaluateStrategy::flat) {
    Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>> const policy(exec, 0, n);
    with_value_kernel_variant(eval, [&](auto variant) {
      using Kernel = EvaluateValues<decltype(variant), EvaluatorType, Points, Values>;
      Kokkos::parallel_for("splinegrid::evaluate", policy, Kernel{eval, points, values});
    });
    return;
  }
  require(staging_fits<ExecutionSpace>(eval), "splinegrid::evaluate",
          "staged strategy: the control points do not fit in team scratch");
  if (n == 0) return;
  int const league = static_cast<int>((n + staged_points_per_team - 1) / staged_points_per_team);
  auto const policy = Kokkos::TeamPolicy<ExecutionSpace>(exec, league, Kokkos::AUTO)
                          .set_scratch_size(0, Kokkos::PerTeam(staged_scratch_bytes(eval)));
  with_kernel_variant(eval, [&](auto variant) {
    using Kernel = EvaluateValuesStaged<ExecutionSpace, decltype(variant), EvaluatorType, Points, Values>;
    Kokkos::parallel_for("splinegrid::evaluate_staged", policy, Kernel{eval, points, values});
  });
}

}  // namespace splinegrid::Impl

#endif
