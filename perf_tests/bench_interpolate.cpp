// Prefilter (interpolate) throughput: samples/s for 64^3 ... 256^3 grids with C
// channels, float and double, mirror boundary (scipy's default spline_filter mode).

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>
#include <benchmark/benchmark.h>

#include <string>

namespace splinegrid::bench::interpolate_bench {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;

template <class Scalar, bool Adjoint>
void run_interpolate(benchmark::State& state) {
  std::int64_t const n = smoke ? 16 : state.range(0);
  int const channels = static_cast<int>(state.range(1));
  Grid<Scalar, 3, Memory> grid({n, n, n}, channels, Basis::bspline);
  grid.set_boundary(Boundary::mirror, Extrapolation::extend);
  typename Grid<Scalar, 3, Memory>::control_points_type samples("samples", grid.num_control_points(),
                                                                channels);
  Kokkos::Random_XorShift64_Pool<Exec> pool(5);
  Kokkos::fill_random(samples, pool, Scalar(-1), Scalar(1));
  Exec exec;
  exec.fence();
  for (auto _ : state) {
    if constexpr (Adjoint) {
      interpolate_adjoint(exec, grid, samples, grid.control_points());
    } else {
      interpolate(exec, grid, samples);
    }
    exec.fence();
  }
  state.counters["samples/s"] = benchmark::Counter(
      double(grid.num_control_points()) * channels * double(state.iterations()),
      benchmark::Counter::kIsRate);
}

template <class Scalar, bool Adjoint>
void register_interpolate(char const* name) {
  auto* b = benchmark::RegisterBenchmark(name, run_interpolate<Scalar, Adjoint>)
                ->ArgNames({"n", "C"})
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
  for (std::int64_t n : {64, 128, 256}) b->Args({n, 1});
  for (std::int64_t n : {64, 128}) b->Args({n, 3});
}

int const registered = [] {
  register_interpolate<double, false>("interpolate/double/3D");
  register_interpolate<float, false>("interpolate/float/3D");
  register_interpolate<double, true>("interpolate_adjoint/double/3D");
  return 0;
}();

}  // namespace
}  // namespace splinegrid::bench::interpolate_bench
