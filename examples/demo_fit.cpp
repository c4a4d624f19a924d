// The demo job: fit a 1D cubic B-spline grid with 6 control points to noisy samples
// of sin(2πu) by plain gradient descent on the mean squared error, using the
// library's adjoint for the gradient, and report the error against the true curve.
// Then do the same for a radial function on a 3×3 2D grid.

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <Kokkos_Random.hpp>

#include <cstdio>

namespace {

using Scalar = double;
using Memory = Kokkos::DefaultExecutionSpace::memory_space;
using Matrix = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;

constexpr double pi = 3.14159265358979323846;

// Targets y = f(x) + noise. Separate functions keep the KOKKOS_LAMBDAs out of
// member functions (nvcc's rule for extended lambdas).
void make_sine_samples(Matrix x, Matrix y, Matrix truth, double noise) {
  Kokkos::Random_XorShift64_Pool<> pool(1234);
  Kokkos::parallel_for("demo::sine_samples", x.extent(0), KOKKOS_LAMBDA(int i) {
    auto gen = pool.get_state();
    x(i, 0) = gen.drand(0.0, 1.0);
    truth(i, 0) = splinegrid::Compat::sin(2 * pi * x(i, 0));
    y(i, 0) = truth(i, 0) + noise * gen.normal();
    pool.free_state(gen);
  });
}

void make_radial_samples(Matrix x, Matrix y) {
  Kokkos::Random_XorShift64_Pool<> pool(99);
  Kokkos::parallel_for("demo::radial_samples", x.extent(0), KOKKOS_LAMBDA(int i) {
    auto gen = pool.get_state();
    double r2 = 0;
    for (int k = 0; k < int(x.extent(1)); ++k) {
      x(i, k) = gen.drand(0.0, 1.0);
      r2 += (x(i, k) - 0.5) * (x(i, k) - 0.5);
    }
    y(i, 0) = splinegrid::Compat::exp(-r2);
    pool.free_state(gen);
  });
}

// grad_values = 2 (pred - y) / N, returns the mean squared error.
double mse_gradient(Matrix pred, Matrix y, Matrix grad_values) {
  double sum = 0;
  int const n = int(pred.extent(0));
  Kokkos::parallel_reduce("demo::mse", n, KOKKOS_LAMBDA(int i, double& s) {
    double const r = pred(i, 0) - y(i, 0);
    grad_values(i, 0) = 2 * r / n;
    s += r * r;
  }, sum);
  return sum / n;
}

double mean_abs_error(Matrix a, Matrix b) {
  double sum = 0;
  Kokkos::parallel_reduce("demo::mae", a.extent(0), KOKKOS_LAMBDA(int i, double& s) {
    s += splinegrid::Compat::fabs(a(i, 0) - b(i, 0));
  }, sum);
  return sum / double(a.extent(0));
}

void step(Matrix cp, Matrix grad, double lr) {
  Kokkos::parallel_for("demo::sgd", cp.extent(0), KOKKOS_LAMBDA(int r) {
    cp(r, 0) -= lr * grad(r, 0);
  });
}

template <int Dim>
double fit(splinegrid::Grid<Scalar, Dim, Memory>& grid, Matrix x, Matrix y, int iterations,
           double lr) {
  int const n = int(x.extent(0));
  Matrix pred("pred", n, 1), grad_values("grad_values", n, 1);
  Matrix grad_cp("grad_cp", grid.num_control_points(), 1);
  Matrix no_grad_points;
  double loss = 0;
  for (int it = 0; it < iterations; ++it) {
    splinegrid::evaluate(grid, x, pred);
    loss = mse_gradient(pred, y, grad_values);
    splinegrid::adjoint(grid, x, grad_values, grad_cp, no_grad_points);
    step(grid.control_points(), grad_cp, lr);
  }
  return loss;
}

}  // namespace

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard guard(argc, argv);
  std::printf("%s\n", splinegrid::build_info().c_str());
  int const n = 1000;
  Matrix x("x", n, 1), y("y", n, 1), truth("truth", n, 1), pred("pred", n, 1);
  make_sine_samples(x, y, truth, 0.1);

  splinegrid::Grid<Scalar, 1, Memory> grid({6}, 1, splinegrid::Basis::bspline);
  Kokkos::Timer timer;
  double const loss = fit(grid, x, y, 2000, 1.0);
  splinegrid::evaluate(grid, x, pred);
  double const mae = mean_abs_error(pred, truth);
  std::printf("1D sine, 6 control points, %d noisy samples: MSE %.4f, MAE vs sin(2πu) %.4f "
              "(%.2f s)\n", n, loss, mae, timer.seconds());

  int failures = mae < 0.02 ? 0 : 1;
  for (int dim : {2, 3}) {
    Matrix xr("x", 2000, dim), yr("y", 2000, 1), pr("pred", 2000, 1);
    make_radial_samples(xr, yr);
    double mae_r = 0;
    if (dim == 2) {
      splinegrid::Grid<Scalar, 2, Memory> g({3, 3}, 1);
      fit(g, xr, yr, 1000, 2.0);
      splinegrid::evaluate(g, xr, pr);
    } else {
      splinegrid::Grid<Scalar, 3, Memory> g({3, 3, 3}, 1);
      fit(g, xr, yr, 1000, 4.0);
      splinegrid::evaluate(g, xr, pr);
    }
    mae_r = mean_abs_error(pr, yr);
    std::printf("%dD radial exp(-|x-0.5|^2), 3^%d control points: MAE %.4f\n", dim, dim, mae_r);
    failures += mae_r < 0.02 ? 0 : 1;
  }
  std::printf("demo %s\n", failures == 0 ? "succeeded" : "FAILED");
  return failures == 0 ? 0 : 1;
}
