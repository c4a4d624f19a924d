// `splinegrid bench`: points/s of forward, adjoint and derivative kernels on this
// machine, one JSON object per op.

#include "commands.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace splinegrid::cli {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;

template <class Scalar, int Dim>
double best_seconds(std::string const& op, std::int64_t channels, std::int64_t resolution,
                    std::int64_t n, std::int64_t repeat) {
  std::array<std::int64_t, Dim> res;
  res.fill(resolution);
  Grid<Scalar, Dim, Memory> grid(res, static_cast<int>(channels));
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;
  M points("points", n, Dim), values("values", n, channels), grad_points("grad_points", n, Dim);
  Kokkos::View<Scalar***, Kokkos::LayoutRight, Memory> gradients("gradients", n, channels, Dim);
  typename Grid<Scalar, Dim, Memory>::control_points_type grad_cp("grad_cp", grid.num_control_points(), channels);
  Kokkos::Random_XorShift64_Pool<Exec> pool(1);
  Kokkos::fill_random(points, pool, Scalar(0), Scalar(1));
  Kokkos::fill_random(grid.control_points(), pool, Scalar(-1), Scalar(1));
  Kokkos::fill_random(values, pool, Scalar(-1), Scalar(1));
  Exec exec;
  exec.fence();
  double best = 1e300;
  for (std::int64_t r = 0; r < repeat + 1; ++r) {  // the first run warms up
    auto const start = std::chrono::steady_clock::now();
    if (op == "forward") evaluate(exec, grid, points, values);
    if (op == "adjoint") adjoint(exec, grid, points, values, grad_cp, grad_points);
    if (op == "derivatives") evaluate_gradients(exec, grid, points, values, gradients);
    exec.fence();
    double const s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r > 0) best = std::min(best, s);
  }
  return best;
}

template <class Scalar>
double dispatch(int dim, std::string const& op, std::int64_t c, std::int64_t res, std::int64_t n,
                std::int64_t repeat) {
  switch (dim) {
    case 1: return best_seconds<Scalar, 1>(op, c, res, n, repeat);
    case 2: return best_seconds<Scalar, 2>(op, c, res, n, repeat);
    case 3: return best_seconds<Scalar, 3>(op, c, res, n, repeat);
    default: return best_seconds<Scalar, 4>(op, c, res, n, repeat);
  }
}

}  // namespace

int run_bench(Session const& session, Args const& args) {
  int const dim = static_cast<int>(args.integer("--dim", 3, 1, 4));
  std::int64_t const channels = args.integer("--channels", 1, 1, 1024);
  std::int64_t const resolution = args.integer("--resolution", 16, 1, 1 << 20);
  std::int64_t const points = args.integer("--points", 1000000, 1, std::int64_t(1) << 34);
  std::int64_t const repeat = args.integer("--repeat", 5, 1, 1000);
  std::string const scalar = args.text("--scalar", "double");
  if (scalar != "double" && scalar != "float")
    throw InputError("option --scalar: '" + scalar + "' is not float or double");
  std::vector<std::string> ops = {"forward", "adjoint", "derivatives"};
  if (args.has("--op")) {
    std::string const op = args.text("--op");
    if (op != "forward" && op != "adjoint" && op != "derivatives")
      throw InputError("option --op: '" + op + "' is not forward, adjoint or derivatives");
    ops = {op};
  }
  if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional()[0] + "'");
  if (!session.root()) return 0;
  for (auto const& op : ops) {
    double const s = scalar == "float" ? dispatch<float>(dim, op, channels, resolution, points, repeat)
                                       : dispatch<double>(dim, op, channels, resolution, points, repeat);
    std::printf(
        "{\"op\": \"%s\", \"dim\": %d, \"channels\": %lld, \"resolution\": %lld, \"points\": %lld, "
        "\"scalar\": \"%s\", \"repeat\": %lld, \"best_seconds\": %.6g, \"points_per_second\": %.6g, "
        "\"channel_values_per_second\": %.6g, \"backend\": \"%s\", \"threads\": %d}\n",
        op.c_str(), dim, (long long)channels, (long long)resolution, (long long)points, scalar.c_str(),
        (long long)repeat, s, double(points) / s, double(points) * double(channels) / s,
        Exec::name(), Exec::concurrency());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace splinegrid::cli
