// Calling the grid from your own Kokkos kernel: the Evaluator is a small value type
// with KOKKOS_INLINE_FUNCTION members. Here a particle pusher samples a 2-channel
// velocity field stored as a 2D grid and advects particles with it.

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <cstdio>

using Memory = Kokkos::DefaultExecutionSpace::memory_space;
using Grid2 = splinegrid::Grid<double, 2, Memory>;

// A rigid rotation about (0.5, 0.5): v = (-(y - 0.5), x - 0.5), set on the control
// points; Catmull-Rom reproduces it exactly between them (it is linear).
void set_rotation(Grid2 const& grid) {
  auto cp = grid.control_points();
  std::int64_t const n0 = grid.resolution(0), n1 = grid.resolution(1);
  Kokkos::parallel_for("example::set_rotation", n0 * n1, KOKKOS_LAMBDA(std::int64_t r) {
    double const x = double(r / n1) / double(n0 - 1), y = double(r % n1) / double(n1 - 1);
    cp(r, 0) = -(y - 0.5);
    cp(r, 1) = x - 0.5;
  });
}

double advect(Grid2 const& grid, int steps, double dt) {
  auto const eval = grid.evaluator();  // copied into the kernel by value
  double max_radius_error = 0;
  Kokkos::parallel_reduce("example::advect", 1000, KOKKOS_LAMBDA(int p, double& err) {
    double pos[2] = {0.5 + 0.3 * splinegrid::Compat::cos(p * 0.00628), 0.5 + 0.3 * splinegrid::Compat::sin(p * 0.00628)};
    for (int s = 0; s < steps; ++s) {  // midpoint rule
      double v[2], mid[2];
      eval.values(pos, v);
      mid[0] = pos[0] + 0.5 * dt * v[0];
      mid[1] = pos[1] + 0.5 * dt * v[1];
      eval.values(mid, v);
      pos[0] += dt * v[0];
      pos[1] += dt * v[1];
    }
    double const r = splinegrid::Compat::sqrt((pos[0] - 0.5) * (pos[0] - 0.5) + (pos[1] - 0.5) * (pos[1] - 0.5));
    err = splinegrid::Compat::fmax(err, splinegrid::Compat::fabs(r - 0.3));
  }, Kokkos::Max<double>(max_radius_error));
  return max_radius_error;
}

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard guard(argc, argv);
  Grid2 grid({5, 5}, 2, splinegrid::Basis::catmull_rom);
  set_rotation(grid);
  double const err = advect(grid, 628, 0.01);
  std::printf("particles advected one turn; max radius drift %.2e\n", err);
  return err < 1e-3 ? 0 : 1;
}
