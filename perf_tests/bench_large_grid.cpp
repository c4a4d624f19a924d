// Throughput when the grid no longer fits in the caches: 3D, C = 1, double, 1e6
// uniform random points on a 16^3 (32 KiB, L1) versus a 256^3 grid (128 MiB, past
// L2 and L3), forward and fast adjoint. Counter "points/s".

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>
#include <benchmark/benchmark.h>

#include <string>

namespace splinegrid::bench {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;
using Matrix = Kokkos::View<double**, Kokkos::LayoutRight, Memory>;

template <bool Adjoint>
void large_grid(benchmark::State& state) {
  std::int64_t const n = smoke ? 16 : state.range(0);
  Grid<double, 3, Memory> grid({n, n, n}, 1, Basis::bspline);
  std::int64_t const points = num_points();
  Matrix x("points", points, 3), values("values", points, 1), grad_x("grad_points", points, 3);
  typename Grid<double, 3, Memory>::control_points_type grad_cp("grad_cp", grid.num_control_points(), 1);
  Kokkos::Random_XorShift64_Pool<Exec> pool(3);
  Kokkos::fill_random(grid.control_points(), pool, -1.0, 1.0);
  Kokkos::fill_random(x, pool, 0.0, 1.0);
  Kokkos::fill_random(values, pool, -1.0, 1.0);
  Exec exec;
  exec.fence();
  for (auto _ : state) {
    if constexpr (Adjoint) {
      adjoint(exec, grid, x, values, grad_cp, grad_x);
    } else {
      evaluate(exec, grid, x, values);
    }
    exec.fence();
  }
  state.counters["points/s"] = benchmark::Counter(
      static_cast<double>(points) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["grid_MiB"] = static_cast<double>(n * n * n) * 8.0 / (1 << 20);
}

int const registered = [] {
  benchmark::RegisterBenchmark("grid_size/forward/double/3D/C:1", large_grid<false>)
      ->ArgName("n")->Arg(16)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("grid_size/adjoint_fast/double/3D/C:1", large_grid<true>)
      ->ArgName("n")->Arg(16)->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime();
  return 0;
}();

}  // namespace
}  // namespace splinegrid::bench
