// Throughput when the grid no longer fits in the caches: 3D, C = 1, double, 1e6
// uniform random points on a 16^3 (32 KiB, L1) versus a 256^3 grid (128 MiB, past
// L2 and L3), forward and fast adjoint, plus forward and deterministic adjoint at
// points sorted once by a PointOrder (built outside the timed loop): the deterministic
// adjoint's gather and the fast adjoint by blocks of sorted points; and the cost of
// building that PointOrder (16^3: the counting sort on host backends; 256^3, more
// windows than points: the comparison sort). Counter "points/s".

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

namespace splinegrid::bench::large_grid_bench {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;
using Matrix = Kokkos::View<double**, Kokkos::LayoutRight, Memory>;

enum class Op {
  forward,
  adjoint_fast,
  forward_ordered,
  adjoint_ordered,
  adjoint_fast_ordered,
  point_order
};

template <Op Operation>
void large_grid(benchmark::State& state) {
  std::int64_t const n = smoke ? 16 : state.range(0);
  Grid<double, 3, Memory> grid({n, n, n}, 1, Basis::bspline);
  std::int64_t const m = num_points();
  Matrix x("points", m, 3), values("values", m, 1), grad_x("grad_points", m, 3);
  typename Grid<double, 3, Memory>::control_points_type grad_cp("grad_cp", grid.num_control_points(), 1);
  Kokkos::Random_XorShift64_Pool<Exec> pool(3);
  Kokkos::fill_random(grid.control_points(), pool, -1.0, 1.0);
  Kokkos::fill_random(x, pool, 0.0, 1.0);
  Kokkos::fill_random(values, pool, -1.0, 1.0);
  Exec exec;
  std::optional<PointOrder<double, 3, Memory>> order;
  if constexpr (Operation == Op::forward_ordered || Operation == Op::adjoint_ordered ||
                Operation == Op::adjoint_fast_ordered)
    order.emplace(exec, grid, x);
  exec.fence();
  for (auto _ : state) {
    if constexpr (Operation == Op::forward) evaluate(exec, grid, x, values);
    if constexpr (Operation == Op::adjoint_fast) adjoint(exec, grid, x, values, grad_cp, grad_x);
    if constexpr (Operation == Op::forward_ordered) evaluate(exec, grid, x, values, *order);
    if constexpr (Operation == Op::adjoint_ordered)
      adjoint(exec, grid, x, values, grad_cp, grad_x, *order);
    if constexpr (Operation == Op::adjoint_fast_ordered)
      adjoint(exec, grid, x, values, grad_cp, grad_x, *order, AdjointOptions{});
    if constexpr (Operation == Op::point_order) {
      PointOrder<double, 3, Memory> built(exec, grid, x);
      benchmark::DoNotOptimize(built.permutation().data());
    }
    exec.fence();
  }
  state.counters["points/s"] = benchmark::Counter(
      static_cast<double>(m) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["grid_MiB"] = static_cast<double>(n * n * n) * 8.0 / (1 << 20);
}

int const registered = [] {
  auto add = [](char const* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)
        ->ArgName("n")->Arg(16)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
  };
  add("grid_size/forward/double/3D/C:1", large_grid<Op::forward>);
  add("grid_size/adjoint_fast/double/3D/C:1", large_grid<Op::adjoint_fast>);
  add("grid_size/forward_ordered/double/3D/C:1", large_grid<Op::forward_ordered>);
  add("grid_size/adjoint_ordered/double/3D/C:1", large_grid<Op::adjoint_ordered>);
  add("grid_size/adjoint_fast_ordered/double/3D/C:1", large_grid<Op::adjoint_fast_ordered>);
  add("grid_size/point_order/double/3D/C:1", large_grid<Op::point_order>);
  return 0;
}();

}  // namespace
}  // namespace splinegrid::bench::large_grid_bench
