// The seed's optimisation examples: fit grids by plain gradient descent on the mean
// squared error, with the gradient from the library's adjoint.

#include "test_spaces.hpp"

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

constexpr double pi = 3.14159265358979323846;

template <class ExecutionSpace>
void sine_targets(Matrix<ExecutionSpace> x, Matrix<ExecutionSpace> truth, Matrix<ExecutionSpace> y,
                  Matrix<ExecutionSpace> noise) {
  Kokkos::parallel_for("test::sine", Kokkos::RangePolicy<ExecutionSpace>(0, x.extent(0)),
                       KOKKOS_LAMBDA(int i) {
                         truth(i, 0) = Compat::sin(2 * pi * x(i, 0));
                         y(i, 0) = truth(i, 0) + noise(i, 0);
                       });
}

template <class ExecutionSpace>
void radial_targets(Matrix<ExecutionSpace> x, Matrix<ExecutionSpace> y) {
  Kokkos::parallel_for("test::radial", Kokkos::RangePolicy<ExecutionSpace>(0, x.extent(0)),
                       KOKKOS_LAMBDA(int i) {
                         double r2 = 0;
                         for (int k = 0; k < int(x.extent(1)); ++k)
                           r2 += (x(i, k) - 0.5) * (x(i, k) - 0.5);
                         y(i, 0) = Compat::exp(-r2);
                       });
}

// grad = 2 (pred - y) / N
template <class ExecutionSpace>
void mse_gradient(Matrix<ExecutionSpace> pred, Matrix<ExecutionSpace> y, Matrix<ExecutionSpace> grad) {
  double const n = double(pred.extent(0));
  Kokkos::parallel_for("test::mse_grad", Kokkos::RangePolicy<ExecutionSpace>(0, pred.extent(0)),
                       KOKKOS_LAMBDA(int i) { grad(i, 0) = 2 * (pred(i, 0) - y(i, 0)) / n; });
}

template <class ExecutionSpace>
void descend(Matrix<ExecutionSpace> cp, Matrix<ExecutionSpace> grad, double lr) {
  Kokkos::parallel_for("test::descend", Kokkos::RangePolicy<ExecutionSpace>(0, cp.extent(0)),
                       KOKKOS_LAMBDA(int r) { cp(r, 0) -= lr * grad(r, 0); });
}

template <class ExecutionSpace, int Dim>
double fit_and_measure(Grid<double, Dim, typename ExecutionSpace::memory_space>& grid,
                       Matrix<ExecutionSpace> x, Matrix<ExecutionSpace> y,
                       Matrix<ExecutionSpace> truth, int iterations, double lr) {
  ExecutionSpace exec;
  std::int64_t const n = x.extent(0);
  Matrix<ExecutionSpace> pred("pred", n, 1), grad("grad", n, 1), none;
  typename Grid<double, Dim, typename ExecutionSpace::memory_space>::control_points_type grad_cp(
      "grad_cp", grid.num_control_points(), 1);
  for (int it = 0; it < iterations; ++it) {
    evaluate(exec, grid, x, pred);
    mse_gradient<ExecutionSpace>(pred, y, grad);
    adjoint(exec, grid, x, grad, grad_cp, none);
    descend<ExecutionSpace>(grid.control_points(), grad_cp, lr);
  }
  evaluate(exec, grid, x, pred);
  auto const p = host_vector(pred), t = host_vector(truth);
  double mae = 0;
  for (std::size_t i = 0; i < p.size(); ++i) mae += std::fabs(p[i] - t[i]);
  return mae / double(p.size());
}

template <class T>
class FitExamples : public ::testing::Test {};
TYPED_TEST_SUITE(FitExamples, ExecutionSpaces);

// torch-cubic-spline-grids' README example: a 6-point 1D B-spline grid fitted to
// noisy samples of a sine.
TYPED_TEST(FitExamples, NoisySineWithSixControlPoints) {
  using E = TypeParam;
  std::int64_t const n = 1000;
  auto x = random_matrix<E>(n, 1, 0, 1, 121);
  auto noise = random_matrix<E>(n, 1, -0.2, 0.2, 122);
  Matrix<E> truth("truth", n, 1), y("y", n, 1);
  sine_targets<E>(x, truth, y, noise);
  Grid<double, 1, typename E::memory_space> grid({6}, 1, Basis::bspline);
  double const mae = fit_and_measure<E, 1>(grid, x, y, truth, 2000, 1.0);
  EXPECT_LT(mae, 0.02);
}

template <class E, int Dim>
double radial_fit(double lr) {
  std::int64_t const n = 4000;
  auto x = random_matrix<E>(n, Dim, 0, 1, 131 + Dim);
  Matrix<E> y("y", n, 1);
  radial_targets<E>(x, y);
  std::array<std::int64_t, Dim> res;
  res.fill(3);
  Grid<double, Dim, typename E::memory_space> grid(res, 1, Basis::bspline);
  return fit_and_measure<E, Dim>(grid, x, y, y, 1500, lr);
}

// A radial function on 3-point grids in 2D, 3D and 4D.
TYPED_TEST(FitExamples, RadialFunctionOnThreePointGrids) {
  EXPECT_LT((radial_fit<TypeParam, 2>(2.0)), 0.02);
  EXPECT_LT((radial_fit<TypeParam, 3>(4.0)), 0.02);
  EXPECT_LT((radial_fit<TypeParam, 4>(8.0)), 0.02);
}

}  // namespace
