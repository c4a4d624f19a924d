// Throughput of forward evaluation, derivatives and both adjoint strategies for
// D = 1..4, C = 1, 3, 8, float and double: 16^D grid, 1e6 uniform random points.
// Counter "points/s" (points processed per second; multiply by C for channel values).

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>
#include <benchmark/benchmark.h>

#include <array>
#include <optional>
#include <string>

namespace splinegrid::bench::grid_bench {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;

// forward_flat: evaluate() with the one-point-per-work-item kernel that the chunked
// CPU strategy replaced (for the record of what chunking buys). forward_chunked: the
// chunked kernel for the build's baseline instruction set, which forward runs
// unless it takes the AVX-512 copy (C = 8 on AVX-512 CPUs, see wide_kernels.hpp);
// both tile their points by cell where tiling_pays (tiled_evaluate.hpp).
// forward_untiled: forward's kernel with cell tiling off (for the record of what
// tiling buys; the same instantiation, so it costs no compile time). adjoint_ordered: the
// deterministic gradient at points sorted once by a PointOrder (built outside the
// timed loop, as a fit does for its fixed observations).
enum class Op {
  forward,
  forward_flat,
  forward_chunked,
  forward_untiled,
  gradients,
  hessians,
  adjoint_fast,
  adjoint_deterministic,
  adjoint_ordered
};

template <class Scalar>
using Matrix = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;

template <class Scalar, int Dim>
struct Problem {
  Grid<Scalar, Dim, Memory> grid;
  Matrix<Scalar> points;
  explicit Problem(int channels)
      : grid(resolution(), channels, Basis::bspline),
        points("points", num_points(), Dim) {
    Kokkos::Random_XorShift64_Pool<Exec> pool(42);
    Kokkos::fill_random(grid.control_points(), pool, Scalar(-1), Scalar(1));
    Kokkos::fill_random(points, pool, Scalar(0), Scalar(1));
    Kokkos::fence();
  }
  static std::array<std::int64_t, Dim> resolution() {
    std::array<std::int64_t, Dim> r;
    r.fill(16);
    return r;
  }
};

template <class Scalar, int Dim, Op Operation>
void run(benchmark::State& state) {
  int const channels = static_cast<int>(state.range(0));
  Problem<Scalar, Dim> p(channels);
  std::int64_t const n = p.points.extent(0);
  Exec exec;
  Matrix<Scalar> values("values", n, channels);
  Kokkos::View<Scalar***, Kokkos::LayoutRight, Memory> gradients;
  Kokkos::View<Scalar****, Kokkos::LayoutRight, Memory> hessians;
  Matrix<Scalar> grad_points;
  typename Grid<Scalar, Dim, Memory>::control_points_type grad_cp;
  if constexpr (Operation == Op::gradients || Operation == Op::hessians)
    gradients = decltype(gradients)("gradients", n, channels, Dim);
  if constexpr (Operation == Op::hessians)
    hessians = decltype(hessians)("hessians", n, channels, Dim, Dim);
  constexpr bool is_adjoint = Operation == Op::adjoint_fast ||
                              Operation == Op::adjoint_deterministic ||
                              Operation == Op::adjoint_ordered;
  if constexpr (is_adjoint) {
    grad_points = Matrix<Scalar>("grad_points", n, Dim);
    grad_cp = decltype(grad_cp)("grad_cp", p.grid.num_control_points(), channels);
    Kokkos::Random_XorShift64_Pool<Exec> pool(7);
    Kokkos::fill_random(values, pool, Scalar(-1), Scalar(1));
  }
  AdjointOptions options;
  options.strategy = Operation == Op::adjoint_deterministic ? AdjointStrategy::deterministic
                                                            : AdjointStrategy::fast;
  std::optional<PointOrder<Scalar, Dim, Memory>> order;
  if constexpr (Operation == Op::adjoint_ordered) order.emplace(exec, p.grid, p.points);
  exec.fence();
  if constexpr (Operation == Op::forward_chunked && Impl::is_device_space<Exec>) {
    state.SkipWithError("the chunked strategy is for CPU execution spaces");
    return;
  }
  for (auto _ : state) {
    if constexpr (Operation == Op::forward) evaluate(exec, p.grid, p.points, values);
    if constexpr (Operation == Op::forward_flat)
      Impl::launch_evaluate(exec, p.grid.evaluator(), p.points, values, Impl::EvaluateStrategy::flat);
    if constexpr (Operation == Op::forward_chunked)
      Impl::launch_evaluate(exec, p.grid.evaluator(), p.points, values, Impl::EvaluateStrategy::chunked);
    if constexpr (Operation == Op::forward_untiled)
      Impl::launch_evaluate(exec, p.grid.evaluator(), p.points, values, Impl::EvaluateStrategy::automatic,
                            Impl::PointTiling::off);
    if constexpr (Operation == Op::gradients)
      evaluate_gradients(exec, p.grid, p.points, values, gradients);
    if constexpr (Operation == Op::hessians)
      evaluate_hessians(exec, p.grid, p.points, values, gradients, hessians);
    if constexpr (Operation == Op::adjoint_fast || Operation == Op::adjoint_deterministic)
      adjoint(exec, p.grid, p.points, values, grad_cp, grad_points, options);
    if constexpr (Operation == Op::adjoint_ordered)
      adjoint(exec, p.grid, p.points, values, grad_cp, grad_points, *order);
    exec.fence();
  }
  state.counters["points/s"] = benchmark::Counter(
      static_cast<double>(n) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["channels"] = channels;
  if constexpr (Operation == Op::forward) {  // which kernel ran: 1 = the AVX-512 copy; 1 = tiled
    auto const strategy = Impl::choose_evaluate_strategy<Exec>(p.grid.evaluator());
    state.counters["wide"] = strategy == Impl::EvaluateStrategy::chunked_wide;
    state.counters["tiled"] = strategy != Impl::EvaluateStrategy::flat &&
                              strategy != Impl::EvaluateStrategy::staged &&
                              Impl::tiling_pays(p.grid.evaluator(), n, Compat::concurrency(exec));
  }
}

// Raw-loop baseline: the 3D, C = 1 forward written as a plain loop over a fixed
// 4x4x4 B-spline stencil with no clamping or ghosts (an upper bound for the library).
void raw_trilinear_cubic_3d(benchmark::State& state) {
  Problem<double, 3> p(1);
  std::int64_t const n = p.points.extent(0);
  Matrix<double> values("values", n, 1);
  auto cp = p.grid.control_points();
  auto pts = p.points;
  Exec exec;
  for (auto _ : state) {
    Kokkos::parallel_for(
        "bench::raw_cubic_3d", Kokkos::RangePolicy<Exec>(exec, 0, n),
        KOKKOS_LAMBDA(std::int64_t i) {
          double w[3][4];
          std::int64_t base[3];
          for (int k = 0; k < 3; ++k) {
            double const x = 1 + pts(i, k) * 12.999;  // stays inside 16 points
            std::int64_t const c = static_cast<std::int64_t>(x);
            double const t = x - c, s = 1 - t;
            w[k][0] = s * s * s / 6;
            w[k][1] = (3 * t * t * t - 6 * t * t + 4) / 6;
            w[k][2] = (-3 * t * t * t + 3 * t * t + 3 * t + 1) / 6;
            w[k][3] = t * t * t / 6;
            base[k] = c - 1;
          }
          double acc = 0;
          for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b) {
              double const wab = w[0][a] * w[1][b];
              std::int64_t const row = ((base[0] + a) * 16 + base[1] + b) * 16 + base[2];
              for (int c = 0; c < 4; ++c) acc += wab * w[2][c] * cp(row + c, 0);
            }
          values(i, 0) = acc;
        });
    exec.fence();
  }
  state.counters["points/s"] =
      benchmark::Counter(double(n) * double(state.iterations()), benchmark::Counter::kIsRate);
}

template <class Scalar, int Dim, Op Operation>
void register_one(char const* op_name, char const* scalar_name) {
  std::string const name = std::string(op_name) + "/" + scalar_name + "/" +
                           std::to_string(Dim) + "D";
  benchmark::RegisterBenchmark(name.c_str(), run<Scalar, Dim, Operation>)
      ->ArgName("C")
      ->Arg(1)
      ->Arg(3)
      ->Arg(8)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

template <class Scalar, int Dim>
void register_dim(char const* scalar_name) {
  register_one<Scalar, Dim, Op::forward>("forward", scalar_name);
  register_one<Scalar, Dim, Op::forward_flat>("forward_flat", scalar_name);
  register_one<Scalar, Dim, Op::forward_chunked>("forward_chunked", scalar_name);
  register_one<Scalar, Dim, Op::forward_untiled>("forward_untiled", scalar_name);
  register_one<Scalar, Dim, Op::gradients>("gradients", scalar_name);
  register_one<Scalar, Dim, Op::hessians>("hessians", scalar_name);
  register_one<Scalar, Dim, Op::adjoint_fast>("adjoint_fast", scalar_name);
  register_one<Scalar, Dim, Op::adjoint_deterministic>("adjoint_deterministic", scalar_name);
  register_one<Scalar, Dim, Op::adjoint_ordered>("adjoint_ordered", scalar_name);
}

template <class Scalar>
void register_scalar(char const* scalar_name) {
  register_dim<Scalar, 1>(scalar_name);
  register_dim<Scalar, 2>(scalar_name);
  register_dim<Scalar, 3>(scalar_name);
  register_dim<Scalar, 4>(scalar_name);
}

int const registered = [] {
  register_scalar<double>("double");
  register_scalar<float>("float");
  benchmark::RegisterBenchmark("raw_loop_baseline/double/3D/C:1", raw_trilinear_cubic_3d)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  return 0;
}();

}  // namespace
}  // namespace splinegrid::bench::grid_bench
