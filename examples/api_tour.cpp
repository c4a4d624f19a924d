// The README's API tour, compiled and run in CTest so the documentation cannot rot.
#include <splinegrid/splinegrid.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

using Memory = Kokkos::DefaultExecutionSpace::memory_space;
using Matrix = Kokkos::View<double**, Kokkos::LayoutRight, Memory>;

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard guard(argc, argv);
  Kokkos::DefaultExecutionSpace exec;

  // A 2-channel 3D grid, 8×8×4 control points, over the box [0,2]×[0,2]×[-1,1].
  splinegrid::Domain<3> domain;
  domain.lo = {0.0, 0.0, -1.0};
  domain.hi = {2.0, 2.0, 1.0};
  splinegrid::Grid<double, 3, Memory> grid({8, 8, 4}, 2, splinegrid::Basis::bspline, domain);

  // Control points: a (rows, C) View, channels contiguous, rows row-major over (n0, n1, n2).
  // Or exchange them with torch-cubic-spline-grids' (C, n0, n1, n2) layout:
  std::vector<double> data(2 * 8 * 8 * 4, 0.5);
  grid.copy_from_channel_first(data);

  // Forward: values (N, C) at points (N, 3).
  Matrix points("points", 1000, 3), values("values", 1000, 2);
  splinegrid::evaluate(exec, grid, points, values);

  // Derivatives, fused: gradients (N, C, D) and Hessians (N, C, D, D).
  Kokkos::View<double***, Kokkos::LayoutRight, Memory> grads("grads", 1000, 2, 3);
  Kokkos::View<double****, Kokkos::LayoutRight, Memory> hess("hess", 1000, 2, 3, 3);
  splinegrid::evaluate_hessians(exec, grid, points, values, grads, hess);

  // Backward: dL/dvalues (N, C) -> dL/dcontrol points (rows, C) and dL/dpoints (N, D).
  Matrix grad_values("grad_values", 1000, 2), grad_points("grad_points", 1000, 3);
  decltype(grid)::control_points_type grad_cp("grad_cp", grid.num_control_points(), 2);
  splinegrid::AdjointOptions options;              // fast (ScatterView) by default;
  options.strategy = splinegrid::AdjointStrategy::deterministic;  // or bitwise reproducible
  splinegrid::adjoint(exec, grid, points, grad_values, grad_cp, grad_points, options);

  // Inside your own kernel: the evaluator is a small value type.
  auto eval = grid.evaluator();
  Kokkos::parallel_for("my_kernel", 1000, KOKKOS_LAMBDA(int i) {
    double x[3] = {points(i, 0), points(i, 1), points(i, 2)};
    double v[2], g[2 * 3];
    eval.gradients(x, v, g);          // v[c], g[c*3 + k]
    double first = eval.value(x, 0);  // one channel
    (void)first;
  });

  // The tour's grid is constant (0.5 everywhere): check what it computed.
  auto hv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, grads);
  for (int i = 0; i < 1000; ++i)
    for (int c = 0; c < 2; ++c) {
      if (std::abs(hv(i, c) - 0.5) > 1e-12) return 1;
      for (int k = 0; k < 3; ++k)
        if (std::abs(hg(i, c, k)) > 1e-12) return 1;
    }
  std::printf("api tour: values 0.5 and zero gradients on a constant grid, as expected\n");
  return 0;
}
