// Fitting throughput: least squares of 1e6 3D points onto a 16^3 grid to a 1e-8
// relative residual (time per fit, CG iterations, points·iterations/s), and Adam
// steps/s full-batch and with mini-batches of 65536.

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>
#include <benchmark/benchmark.h>

namespace splinegrid::bench::fit_bench {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;

// Noisy samples of a smooth 3D field (a random 6^3 grid) at uniform points.
template <class Scalar>
Observations<Scalar, 3, Memory> make_observations(std::int64_t n) {
  Grid<Scalar, 3, Memory> truth({6, 6, 6}, 1);
  Kokkos::Random_XorShift64_Pool<Exec> pool(11);
  Kokkos::fill_random(truth.control_points(), pool, Scalar(-1), Scalar(1));
  Observations<Scalar, 3, Memory> obs;
  obs.points = typename Observations<Scalar, 3, Memory>::matrix_type("points", n, 3);
  obs.values = typename Observations<Scalar, 3, Memory>::matrix_type("values", n, 1);
  Kokkos::fill_random(obs.points, pool, Scalar(0), Scalar(1));
  evaluate(truth, obs.points, obs.values);
  Exec().fence();
  return obs;
}

template <class Scalar>
void least_squares_3d(benchmark::State& state) {
  std::int64_t const n = num_points();
  std::int64_t const res = smoke ? 4 : 16;
  auto const obs = make_observations<Scalar>(n);
  LeastSquaresOptions options;
  options.tolerance = std::is_same<Scalar, float>::value ? 1e-5 : 1e-8;
  options.penalty.smoothness = state.range(0) * 1e-3;
  options.strategy = state.range(1) ? AdjointStrategy::deterministic : AdjointStrategy::fast;
  options.warm_start = false;
  options.preconditioner = static_cast<Preconditioner>(state.range(2));
  std::int64_t iterations = 0;
  for (auto _ : state) {
    Grid<Scalar, 3, Memory> grid({res, res, res}, 1);
    FitReport const r = fit_least_squares(grid, obs, options);
    iterations += r.iterations;
    if (!r.converged) state.SkipWithError("least squares did not converge");
  }
  state.counters["cg_iterations"] = double(iterations) / double(state.iterations());
  state.counters["point_iterations/s"] =
      benchmark::Counter(double(n) * double(iterations), benchmark::Counter::kIsRate);
}

template <class Scalar>
void adam_3d(benchmark::State& state) {
  std::int64_t const n = num_points();
  std::int64_t const res = smoke ? 4 : 16;
  auto const obs = make_observations<Scalar>(n);
  Grid<Scalar, 3, Memory> grid({res, res, res}, 1);
  AdamOptions options;
  options.batch_size = state.range(0);
  options.iterations = 1 << 30;
  AdamFit<Objective<Scalar, 3, Memory>> fit(Objective<Scalar, 3, Memory>(Exec{}, grid, obs),
                                            options);
  for (auto _ : state) fit.iterate();
  std::int64_t const batch = options.batch_size == 0 || options.batch_size > n ? n : options.batch_size;
  state.counters["steps/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["points/s"] =
      benchmark::Counter(double(batch) * double(state.iterations()), benchmark::Counter::kIsRate);
}

int const registered = [] {
  // Args: smoothness x 1e-3, deterministic adjoint (0/1), preconditioner (1 jacobi, 2 tensor).
  benchmark::RegisterBenchmark("fit_least_squares/double/3D/16^3", least_squares_3d<double>)
      ->ArgNames({"lambda_e3", "det", "precond"})
      ->Args({0, 0, 2})
      ->Args({0, 0, 1})
      ->Args({1, 0, 2})
      ->Args({0, 1, 2})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("fit_least_squares/float/3D/16^3", least_squares_3d<float>)
      ->ArgNames({"lambda_e3", "det", "precond"})
      ->Args({0, 0, 2})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("fit_adam/double/3D/16^3", adam_3d<double>)
      ->ArgNames({"batch"})
      ->Args({0})
      ->Args({65536})
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  return 0;
}();

}  // namespace
}  // namespace splinegrid::bench::fit_bench
