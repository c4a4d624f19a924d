// MPI data-parallel least-squares fit: every rank draws its share of N noisy samples
// of a smooth 3D field (sample i depends only on i, so the data set is the same for
// any number of ranks), fits a shared n^3 grid with one control-point sum per CG
// iteration, and rank 0 reports iterations, time and the error against the truth.
//
//   mpirun -np 2 splinegrid_example_mpi_fit [points] [resolution]

#include <splinegrid/mpi.hpp>
#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Memory = Exec::memory_space;
using Obs = splinegrid::Observations<double, 3, Memory>;

KOKKOS_INLINE_FUNCTION double hash01(std::uint64_t i) {  // SplitMix64 finaliser -> [0, 1)
  std::uint64_t z = i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

KOKKOS_INLINE_FUNCTION double field(double x, double y, double z) {
  return splinegrid::Compat::sin(3 * x) * splinegrid::Compat::cos(2 * y) + z * z;
}

// Rows [begin, end) of the global data set.
Obs make_share(long long begin, long long end, double noise) {
  Obs obs;
  obs.points = Obs::matrix_type("points", end - begin, 3);
  obs.values = Obs::matrix_type("values", end - begin, 1);
  auto x = obs.points, y = obs.values;
  Kokkos::parallel_for("mpi_fit::samples", Kokkos::RangePolicy<Exec>(0, end - begin),
                       KOKKOS_LAMBDA(long long j) {
                         std::uint64_t const i = std::uint64_t(begin + j);
                         for (int k = 0; k < 3; ++k) x(j, k) = hash01(4 * i + k);
                         y(j, 0) = field(x(j, 0), x(j, 1), x(j, 2)) + noise * (hash01(4 * i + 3) - 0.5);
                       });
  return obs;
}

// Sum over this rank's points of (grid - truth)^2.
double squared_error(splinegrid::Grid<double, 3, Memory> const& grid, Obs const& obs) {
  Obs::matrix_type pred("pred", obs.size(), 1);
  splinegrid::evaluate(grid, obs.points, pred);
  auto x = obs.points;
  double sum = 0;
  Kokkos::parallel_reduce("mpi_fit::error", Kokkos::RangePolicy<Exec>(0, obs.size()),
                          KOKKOS_LAMBDA(long long i, double& s) {
                            double const d = pred(i, 0) - field(x(i, 0), x(i, 1), x(i, 2));
                            s += d * d;
                          },
                          sum);
  return sum;
}

}  // namespace

int main(int argc, char* argv[]) {
  MPI_Init(&argc, &argv);
  {
    Kokkos::ScopeGuard guard(argc, argv);
    long long const n = argc > 1 ? std::atoll(argv[1]) : 200000;
    std::int64_t const res = argc > 2 ? std::atoll(argv[2]) : 12;
    splinegrid::MpiCommunicator comm;
    long long begin, end;
    splinegrid::MpiCommunicator::share(n, comm.rank(), comm.size(), begin, end);
    Obs const mine = make_share(begin, end, 0.1);

    splinegrid::Grid<double, 3, Memory> grid({res, res, res}, 1);
    splinegrid::LeastSquaresOptions options;
    options.tolerance = 1e-8;
    options.penalty.smoothness = 1e-3;
    MPI_Barrier(MPI_COMM_WORLD);
    auto const start = std::chrono::steady_clock::now();
    splinegrid::FitReport const report = splinegrid::fit_least_squares(grid, mine, options, comm);
    MPI_Barrier(MPI_COMM_WORLD);
    double const seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double error = squared_error(grid, mine);
    comm.sum(&error, 1);
    if (comm.rank() == 0)
      std::printf("%s: %lld points, %lld^3 grid: %lld CG iterations, relative residual %.2e, "
                  "%.3f s, RMS error vs truth %.4f (noise RMS %.4f)\n",
                  comm.describe().c_str(), n, (long long)res, (long long)report.iterations,
                  report.measure, seconds, std::sqrt(error / double(n)), 0.1 / std::sqrt(12.0));
  }
  MPI_Finalize();
  return 0;
}
