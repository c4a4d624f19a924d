// Builds against the installed splinegrid and checks one evaluation.
#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdio>

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard guard(argc, argv);
  using Memory = Kokkos::DefaultExecutionSpace::memory_space;
  // Catmull-Rom through 0, 1, 4 (a linear-extrapolated parabola sample set) at u = 0.5.
  splinegrid::Grid<double, 1, Memory> grid({3}, 1, splinegrid::Basis::catmull_rom);
  grid.copy_from_channel_first({0.0, 1.0, 4.0});
  Kokkos::View<double**, Kokkos::LayoutRight, Memory> points("points", 1, 1), values("values", 1, 1);
  Kokkos::deep_copy(points, 0.5);
  splinegrid::evaluate(grid, points, values);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
  std::printf("%s: f(0.5) = %.17g\n", splinegrid::build_info().c_str(), host(0, 0));
  return std::fabs(host(0, 0) - 1.0) < 1e-14 ? 0 : 1;
}
