// Spatial derivatives: gradients and Hessians against finite differences, clamping,
// and every backend against Serial.

#include "test_spaces.hpp"

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class ExecutionSpace>
using Tensor3 = Kokkos::View<double***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space>;
template <class ExecutionSpace>
using Tensor4 = Kokkos::View<double****, Kokkos::LayoutRight, typename ExecutionSpace::memory_space>;

template <class ViewType>
std::vector<double> flat(ViewType const& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
  return std::vector<double>(h.data(), h.data() + h.size());
}

// Gradient by central differences of values, Hessian by central differences of the
// gradient; also values of all three entry points agree.
template <class ExecutionSpace, int Dim>
void check_derivatives_by_finite_differences() {
  ExecutionSpace exec;
  std::int64_t const n = 40;
  int const channels = 3;
  double const h = 1e-5;
  Domain<Dim> domain;
  for (int k = 0; k < Dim; ++k) {
    domain.lo[k] = -1.0 - k;
    domain.hi[k] = 2.0 + 0.5 * k;
  }
  for (Basis basis : {Basis::bspline, Basis::catmull_rom})
    for (auto const& res : test_resolutions<Dim>()) {
      auto grid = random_grid<ExecutionSpace, Dim>(res, channels, basis, 51, domain);
      Matrix<ExecutionSpace> points("points", n, Dim);
      {
        auto unit = random_matrix<ExecutionSpace>(n, Dim, 0.01, 0.99, 52);
        auto hu = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, unit);
        auto hp = Kokkos::create_mirror_view(points);
        for (std::int64_t i = 0; i < n; ++i)
          for (int k = 0; k < Dim; ++k)
            hp(i, k) = domain.lo[k] + hu(i, k) * (domain.hi[k] - domain.lo[k]);
        Kokkos::deep_copy(points, hp);
      }
      Matrix<ExecutionSpace> values("values", n, channels), v1("v1", n, channels), v2("v2", n, channels);
      Tensor3<ExecutionSpace> grads("grads", n, channels, Dim), g2("g2", n, channels, Dim);
      Tensor4<ExecutionSpace> hess("hess", n, channels, Dim, Dim);
      evaluate(exec, grid, points, values);
      evaluate_gradients(exec, grid, points, v1, grads);
      evaluate_hessians(exec, grid, points, v2, g2, hess);
      auto const V = flat(values), V1 = flat(v1), V2 = flat(v2), G = flat(grads),
                 G2 = flat(g2), H = flat(hess);
      for (std::size_t i = 0; i < V.size(); ++i) {
        EXPECT_NEAR(V1[i], V[i], 1e-14 * (1 + std::fabs(V[i])));
        EXPECT_NEAR(V2[i], V[i], 1e-14 * (1 + std::fabs(V[i])));
      }
      for (std::size_t i = 0; i < G.size(); ++i) EXPECT_NEAR(G2[i], G[i], 1e-13 * (1 + std::fabs(G[i])));

      auto const p0 = flat(points);
      auto hp = Kokkos::create_mirror_view(points);
      auto shifted = [&](int k, double s) {
        for (std::int64_t i = 0; i < n; ++i)
          for (int d = 0; d < Dim; ++d) hp(i, d) = p0[i * Dim + d] + (d == k ? s : 0.0);
        Kokkos::deep_copy(points, hp);
        evaluate_gradients(exec, grid, points, v1, g2);
        return std::make_pair(flat(v1), flat(g2));
      };
      std::string const what = describe<Dim>(basis, res, channels);
      for (int k = 0; k < Dim; ++k) {
        auto const [vp, gp] = shifted(k, h);
        auto const [vm, gm] = shifted(k, -h);
        for (std::int64_t i = 0; i < n; ++i)
          for (int c = 0; c < channels; ++c) {
            double const fd = (vp[i * channels + c] - vm[i * channels + c]) / (2 * h);
            double const g = G[(i * channels + c) * Dim + k];
            EXPECT_NEAR(g, fd, 1e-6 * (1 + std::fabs(fd))) << what << " gradient axis " << k;
            for (int l = 0; l < Dim; ++l) {
              // d/dx_k of gradient component l is H(l, k) = H(k, l).
              double const fdh = (gp[(i * channels + c) * Dim + l] - gm[(i * channels + c) * Dim + l]) / (2 * h);
              double const hk = H[((i * channels + c) * Dim + k) * Dim + l];
              double const hl = H[((i * channels + c) * Dim + l) * Dim + k];
              EXPECT_EQ(hk, hl) << what << " Hessian symmetry";
              // Catmull-Rom is only C1: its second derivative jumps at knots, so FD
              // across a knot is meaningless there; keep points off knots via tolerance.
              EXPECT_NEAR(hk, fdh, 2e-4 * (1 + std::fabs(fdh))) << what << " Hessian " << k << l;
            }
          }
      }
    }
}

template <class T>
class Derivatives : public ::testing::Test {};
TYPED_TEST_SUITE(Derivatives, ExecutionSpaces);

TYPED_TEST(Derivatives, GradientAndHessianMatchFiniteDifferences) {
  check_derivatives_by_finite_differences<TypeParam, 1>();
  check_derivatives_by_finite_differences<TypeParam, 2>();
  check_derivatives_by_finite_differences<TypeParam, 3>();
  check_derivatives_by_finite_differences<TypeParam, 4>();
}

// Outside the domain the value is clamped, so the derivative along that axis is 0
// while the other axes keep theirs.
template <class ExecutionSpace>
void check_clamped_gradient() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 2>({4, 5}, 1, Basis::bspline, 61);
  Matrix<ExecutionSpace> points("points", 1, 2), values("values", 1, 1);
  Tensor3<ExecutionSpace> grads("grads", 1, 1, 2);
  Tensor4<ExecutionSpace> hess("hess", 1, 1, 2, 2);
  auto hp = Kokkos::create_mirror_view(points);
  hp(0, 0) = 1.3;
  hp(0, 1) = 0.4;
  Kokkos::deep_copy(points, hp);
  evaluate_hessians(exec, grid, points, values, grads, hess);
  auto const G = flat(grads), H = flat(hess);
  EXPECT_EQ(G[0], 0.0);
  EXPECT_NE(G[1], 0.0);
  EXPECT_EQ(H[0], 0.0);
  EXPECT_EQ(H[1], 0.0);
  EXPECT_NE(H[3], 0.0);
}

TYPED_TEST(Derivatives, GradientIsZeroAlongClampedAxes) { check_clamped_gradient<TypeParam>(); }

// Every backend computes what Serial computes (same stencil code).
template <class ExecutionSpace, int Dim>
std::vector<double> values_on(std::array<std::int64_t, Dim> const& res) {
  ExecutionSpace exec;
  auto grid = random_grid<ReferenceSpace, Dim>(res, 5, Basis::catmull_rom, 71);
  auto cp = host_vector(grid.control_points());
  Grid<double, Dim, typename ExecutionSpace::memory_space> g(res, 5, Basis::catmull_rom);
  auto h = Kokkos::create_mirror_view(g.control_points());
  std::copy(cp.begin(), cp.end(), h.data());
  Kokkos::deep_copy(g.control_points(), h);
  auto points_serial = random_matrix<ReferenceSpace>(1000, Dim, -0.1, 1.1, 72);
  Matrix<ExecutionSpace> points("points", 1000, Dim), values("values", 1000, 5);
  auto hp = Kokkos::create_mirror_view(points);
  Kokkos::deep_copy(hp, points_serial);
  Kokkos::deep_copy(points, hp);
  evaluate(exec, g, points, values);
  return host_vector(values);
}

template <class ExecutionSpace, int Dim>
void check_backend_matches_serial(std::array<std::int64_t, Dim> const& res) {
  auto const a = values_on<ExecutionSpace, Dim>(res);
  auto const b = values_on<ReferenceSpace, Dim>(res);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-14 * (1 + std::fabs(b[i])));
}

TYPED_TEST(Derivatives, BackendMatchesSerial) {
  check_backend_matches_serial<TypeParam, 1>({9});
  check_backend_matches_serial<TypeParam, 2>({5, 3});
  check_backend_matches_serial<TypeParam, 3>({4, 6, 2});
  check_backend_matches_serial<TypeParam, 4>({3, 3, 4, 2});
}

}  // namespace
