// Builds against the installed splinegrid and checks one evaluation, a small
// least-squares fit, and (when installed) the MPI and HDF5 components.
#include <splinegrid/splinegrid.hpp>
#ifdef INSTALL_TEST_HDF5
#include <splinegrid/grid_file.hpp>
#endif
#ifdef INSTALL_TEST_MPI
#include <splinegrid/mpi.hpp>
#endif

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdio>

int main(int argc, char* argv[]) {
#ifdef INSTALL_TEST_MPI
  MPI_Init(&argc, &argv);
#endif
  int status = 0;
  {
    Kokkos::ScopeGuard guard(argc, argv);
    using Memory = Kokkos::DefaultExecutionSpace::memory_space;
    // Catmull-Rom through 0, 1, 4 at u = 0.5.
    splinegrid::Grid<double, 1, Memory> grid({3}, 1, splinegrid::Basis::catmull_rom);
    grid.copy_from_channel_first({0.0, 1.0, 4.0});
    Kokkos::View<double**, Kokkos::LayoutRight, Memory> points("points", 1, 1), values("values", 1, 1);
    Kokkos::deep_copy(points, 0.5);
    splinegrid::evaluate(grid, points, values);
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
    std::printf("%s: f(0.5) = %.17g\n", splinegrid::build_info().c_str(), host(0, 0));
    status |= std::fabs(host(0, 0) - 1.0) < 1e-14 ? 0 : 1;

    // Fit a fresh grid to samples of the first one: it must come back.
    splinegrid::Observations<double, 1, Memory> obs;
    obs.points = decltype(obs.points)("x", 50, 1);
    obs.values = decltype(obs.values)("y", 50, 1);
    auto hx = Kokkos::create_mirror_view(obs.points);
    for (int i = 0; i < 50; ++i) hx(i, 0) = i / 49.0;
    Kokkos::deep_copy(obs.points, hx);
    splinegrid::evaluate(grid, obs.points, obs.values);
    splinegrid::Grid<double, 1, Memory> fit({3}, 1, splinegrid::Basis::catmull_rom);
#ifdef INSTALL_TEST_MPI
    splinegrid::MpiCommunicator comm;
    splinegrid::fit_least_squares(fit, obs, {}, comm);
    std::printf("fit over %s\n", comm.describe().c_str());
#else
    splinegrid::fit_least_squares(fit, obs);
#endif
    auto const c = fit.copy_to_channel_first();
    status |= std::fabs(c[2] - 4.0) < 1e-9 ? 0 : 1;
#ifdef INSTALL_TEST_HDF5
    splinegrid::save_grid("install_test_grid.h5", fit);
    auto const back = splinegrid::load_grid<double, 1, Memory>("install_test_grid.h5");
    status |= back.copy_to_channel_first() == c ? 0 : 1;
    std::printf("grid file round trip ok\n");
#endif
    std::printf("install test %s\n", status == 0 ? "passed" : "FAILED");
  }
#ifdef INSTALL_TEST_MPI
  MPI_Finalize();
#endif
  return status;
}
