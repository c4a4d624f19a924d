// The adjoint: transpose identity, finite differences, determinism, options.

#include "test_spaces.hpp"

#include <cmath>
#include <cstring>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class ExecutionSpace, int Dim>
void check_transpose_identity(AdjointStrategy strategy) {
  ExecutionSpace exec;
  for (Basis basis : {Basis::bspline, Basis::catmull_rom})
    for (auto const& res : test_resolutions<Dim>())
      for (int channels : {1, 3, 8}) {
        auto grid = random_grid<ExecutionSpace, Dim>(res, channels, basis, 11);
        // Points partly outside the domain: clamped coordinates must transpose too.
        auto points = random_matrix<ExecutionSpace>(300, Dim, -0.2, 1.2, 12);
        auto y = random_matrix<ExecutionSpace>(300, channels, -1, 1, 13);
        Matrix<ExecutionSpace> values("values", 300, channels);
        evaluate(exec, grid, points, values);
        typename decltype(grid)::control_points_type grad_cp("grad_cp", grid.num_control_points(),
                                                             channels);
        Matrix<ExecutionSpace> no_grad_points;
        AdjointOptions options;
        options.strategy = strategy;
        adjoint(exec, grid, points, y, grad_cp, no_grad_points, options);
        exec.fence();
        double const lhs = dot(host_vector(values), host_vector(y));
        double const rhs = dot(host_vector(grid.control_points()), host_vector(grad_cp));
        EXPECT_NEAR(lhs, rhs, 1e-12 * (1 + std::fabs(lhs))) << describe<Dim>(basis, res, channels);
      }
}

template <class T>
class Adjoint : public ::testing::Test {};
TYPED_TEST_SUITE(Adjoint, ExecutionSpaces);

TYPED_TEST(Adjoint, FastIsTransposeOfForward) {
  check_transpose_identity<TypeParam, 1>(AdjointStrategy::fast);
  check_transpose_identity<TypeParam, 2>(AdjointStrategy::fast);
  check_transpose_identity<TypeParam, 3>(AdjointStrategy::fast);
  check_transpose_identity<TypeParam, 4>(AdjointStrategy::fast);
}

TYPED_TEST(Adjoint, DeterministicIsTransposeOfForward) {
  check_transpose_identity<TypeParam, 1>(AdjointStrategy::deterministic);
  check_transpose_identity<TypeParam, 2>(AdjointStrategy::deterministic);
  check_transpose_identity<TypeParam, 3>(AdjointStrategy::deterministic);
  check_transpose_identity<TypeParam, 4>(AdjointStrategy::deterministic);
}

// dL/dx of L = <values(x), y> against central differences, points inside the domain.
template <class ExecutionSpace, int Dim>
void check_grad_points_by_finite_differences() {
  ExecutionSpace exec;
  std::int64_t const n = 50;
  double const h = 1e-6;
  for (Basis basis : {Basis::bspline, Basis::catmull_rom})
    for (auto const& res : test_resolutions<Dim>()) {
      int const channels = 2;
      auto grid = random_grid<ExecutionSpace, Dim>(res, channels, basis, 21);
      auto points = random_matrix<ExecutionSpace>(n, Dim, 0.01, 0.99, 22);
      auto y = random_matrix<ExecutionSpace>(n, channels, -1, 1, 23);
      Matrix<ExecutionSpace> grad_points("grad_points", n, Dim);
      typename decltype(grid)::control_points_type no_grad_cp;
      adjoint(exec, grid, points, y, no_grad_cp, grad_points);
      auto const g = host_vector(grad_points);
      auto const yh = host_vector(y);
      auto const p0 = host_vector(points);
      auto hp = Kokkos::create_mirror_view(points);
      Matrix<ExecutionSpace> values("values", n, channels);
      auto loss_per_point = [&](int k, double shift) {
        for (std::int64_t i = 0; i < n; ++i)
          for (int d = 0; d < Dim; ++d) hp(i, d) = p0[i * Dim + d] + (d == k ? shift : 0.0);
        Kokkos::deep_copy(points, hp);
        evaluate(exec, grid, points, values);
        auto const v = host_vector(values);
        std::vector<double> l(n, 0.0);
        for (std::int64_t i = 0; i < n; ++i)
          for (int c = 0; c < channels; ++c) l[i] += v[i * channels + c] * yh[i * channels + c];
        return l;
      };
      for (int k = 0; k < Dim; ++k) {
        auto const plus = loss_per_point(k, h), minus = loss_per_point(k, -h);
        for (std::int64_t i = 0; i < n; ++i) {
          double const fd = (plus[i] - minus[i]) / (2 * h);
          EXPECT_NEAR(g[i * Dim + k], fd, 1e-6 * (1 + std::fabs(fd)))
              << describe<Dim>(basis, res, channels) << " point " << i << " axis " << k;
        }
      }
    }
}

TYPED_TEST(Adjoint, GradPointsMatchFiniteDifferences) {
  check_grad_points_by_finite_differences<TypeParam, 1>();
  check_grad_points_by_finite_differences<TypeParam, 2>();
  check_grad_points_by_finite_differences<TypeParam, 3>();
  check_grad_points_by_finite_differences<TypeParam, 4>();
}

template <class ExecutionSpace, int Dim>
std::vector<double> deterministic_gradient(std::array<std::int64_t, Dim> const& res, int channels) {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, Dim>(res, channels, Basis::bspline, 31);
  auto points = random_matrix<ExecutionSpace>(20000, Dim, -0.1, 1.1, 32);
  auto y = random_matrix<ExecutionSpace>(20000, channels, -1, 1, 33);
  typename decltype(grid)::control_points_type grad_cp("grad_cp", grid.num_control_points(),
                                                       channels);
  Matrix<ExecutionSpace> no_grad_points;
  AdjointOptions options;
  options.strategy = AdjointStrategy::deterministic;
  adjoint(exec, grid, points, y, grad_cp, no_grad_points, options);
  exec.fence();
  return host_vector(grad_cp);
}

bool bitwise_equal(std::vector<double> const& a, std::vector<double> const& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Serial is one thread; the OpenMP runs happen at 1 and 2 threads (two CTest runs),
// so equality with Serial is equality across thread counts.
template <class ExecutionSpace, int Dim>
void check_deterministic_bits(std::array<std::int64_t, Dim> const& res, int channels) {
  auto const a = deterministic_gradient<ExecutionSpace, Dim>(res, channels);
  auto const b = deterministic_gradient<ExecutionSpace, Dim>(res, channels);
  auto const serial = deterministic_gradient<ReferenceSpace, Dim>(res, channels);
  EXPECT_TRUE(bitwise_equal(a, b)) << "two runs differ";
  EXPECT_TRUE(bitwise_equal(a, serial)) << ExecutionSpace::name() << " differs from Serial";
}

TYPED_TEST(Adjoint, DeterministicIsBitwiseReproducible) {
  check_deterministic_bits<TypeParam, 1>({6}, 3);
  check_deterministic_bits<TypeParam, 2>({9, 2}, 1);
  check_deterministic_bits<TypeParam, 3>({5, 6, 7}, 2);
  check_deterministic_bits<TypeParam, 4>({3, 4, 1, 5}, 1);
}

template <class ExecutionSpace>
void check_strategies_agree_and_accumulate() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 3>({6, 5, 4}, 5, Basis::catmull_rom, 41);
  auto points = random_matrix<ExecutionSpace>(5000, 3, -0.1, 1.1, 42);
  auto y = random_matrix<ExecutionSpace>(5000, 5, -1, 1, 43);
  using CP = typename decltype(grid)::control_points_type;
  CP fast("fast", grid.num_control_points(), 5), det("det", grid.num_control_points(), 5);
  Matrix<ExecutionSpace> gp_fast("gp_fast", 5000, 3), gp_det("gp_det", 5000, 3);
  AdjointOptions options;
  adjoint(exec, grid, points, y, fast, gp_fast, options);
  options.strategy = AdjointStrategy::deterministic;
  adjoint(exec, grid, points, y, det, gp_det, options);
  auto const f = host_vector(fast), d = host_vector(det);
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(f[i], d[i], 1e-12 * (1 + std::fabs(d[i])));
  EXPECT_TRUE(bitwise_equal(host_vector(gp_fast), host_vector(gp_det)));
  // accumulate = true adds a second identical gradient: exactly twice the first.
  for (AdjointStrategy s : {AdjointStrategy::fast, AdjointStrategy::deterministic}) {
    CP acc("acc", grid.num_control_points(), 5);
    AdjointOptions o;
    o.strategy = s;
    adjoint(exec, grid, points, y, acc, gp_fast, o);
    o.accumulate = true;
    adjoint(exec, grid, points, y, acc, gp_fast, o);
    auto const a = host_vector(acc);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], 2 * d[i], 1e-12 * (1 + std::fabs(d[i])));
  }
}

TYPED_TEST(Adjoint, StrategiesAgreeAndAccumulate) { check_strategies_agree_and_accumulate<TypeParam>(); }

// A PointOrder built once serves every evaluate()/adjoint() on the same points and
// geometry: bitwise the plain values and the deterministic strategy's gradient, for
// other control values and channel counts too; and it refuses other points or
// another geometry.
template <class ExecutionSpace>
void check_point_order() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 3>({6, 5, 4}, 3, Basis::bspline, 51);
  auto points = random_matrix<ExecutionSpace>(4000, 3, -0.1, 1.1, 52);
  auto y = random_matrix<ExecutionSpace>(4000, 3, -1, 1, 53);
  using GridType = decltype(grid);
  using CP = typename GridType::control_points_type;
  PointOrder<double, 3, typename ExecutionSpace::memory_space> order(exec, grid, points);
  ASSERT_EQ(order.size(), 4000);
  {  // permutation and inverse are inverse bijections; sorted_points follows them
    auto perm = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, order.permutation());
    auto inv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, order.inverse_permutation());
    auto sorted = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, order.sorted_points());
    auto pts = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, points);
    std::vector<int> seen(4000, 0);
    for (std::int64_t j = 0; j < 4000; ++j) {
      ASSERT_TRUE(perm(j) >= 0 && perm(j) < 4000);
      ++seen[static_cast<std::size_t>(perm(j))];
      EXPECT_EQ(inv(perm(j)), j);
      for (int k = 0; k < 3; ++k) EXPECT_EQ(sorted(j, k), pts(perm(j), k));
    }
    for (int count : seen) EXPECT_EQ(count, 1);
  }
  {  // evaluation in sorted order: the same values, bit for bit
    Matrix<ExecutionSpace> plain("plain", 4000, 3), ordered("ordered", 4000, 3);
    evaluate(exec, grid, points, plain);
    evaluate(exec, grid, points, ordered, order);
    EXPECT_TRUE(bitwise_equal(host_vector(plain), host_vector(ordered)));
  }
  AdjointOptions det;
  det.strategy = AdjointStrategy::deterministic;
  for (int channels : {3, 1}) {
    auto g = random_grid<ExecutionSpace, 3>({6, 5, 4}, channels, Basis::bspline, 54 + channels);
    auto yc = Kokkos::subview(y, Kokkos::ALL, std::make_pair(0, channels));
    Matrix<ExecutionSpace> yy("yy", 4000, channels);
    Kokkos::deep_copy(yy, yc);
    CP want("want", g.num_control_points(), channels), got("got", g.num_control_points(), channels);
    Matrix<ExecutionSpace> gp_want("gp_want", 4000, 3), gp_got("gp_got", 4000, 3);
    adjoint(exec, g, points, yy, want, gp_want, det);
    adjoint(exec, g, points, yy, got, gp_got, order);
    EXPECT_TRUE(bitwise_equal(host_vector(want), host_vector(got))) << "C = " << channels;
    EXPECT_TRUE(bitwise_equal(host_vector(gp_want), host_vector(gp_got))) << "C = " << channels;
    adjoint(exec, g, points, yy, got, gp_got, order, true);  // accumulate: twice
    auto const w = host_vector(want), a = host_vector(got);
    for (std::size_t i = 0; i < w.size(); ++i) EXPECT_EQ(a[i], 2 * w[i]);
  }
  CP grad("grad", grid.num_control_points(), 3);
  Matrix<ExecutionSpace> none;
  // One coordinate changed by one ulp.
  auto moved = random_matrix<ExecutionSpace>(4000, 3, -0.1, 1.1, 52);
  auto moved_h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, moved);
  moved_h(1234, 1) = std::nextafter(moved_h(1234, 1), 2.0);
  Kokkos::deep_copy(moved, moved_h);
  expect_error([&] { adjoint(exec, grid, moved, y, grad, none, order); },
               {"splinegrid::adjoint", "points differ"});
  auto fewer = random_matrix<ExecutionSpace>(3999, 3, -0.1, 1.1, 52);
  auto y_fewer = random_matrix<ExecutionSpace>(3999, 3, -1, 1, 53);
  expect_error([&] { adjoint(exec, grid, fewer, y_fewer, grad, none, order); },
               {"splinegrid::adjoint", "4000 points"});
  auto other_basis = random_grid<ExecutionSpace, 3>({6, 5, 4}, 3, Basis::catmull_rom, 51);
  expect_error([&] { adjoint(exec, other_basis, points, y, grad, none, order); },
               {"splinegrid::adjoint", "geometry"});
  Matrix<ExecutionSpace> moved_values("moved_values", 4000, 3);
  expect_error([&] { evaluate(exec, grid, moved, moved_values, order); },
               {"splinegrid::evaluate", "points differ"});
  {  // no points: an empty order, and no-op calls
    Matrix<ExecutionSpace> no_points("no_points", 0, 3), no_values("no_values", 0, 3);
    PointOrder<double, 3, typename ExecutionSpace::memory_space> empty(exec, grid, no_points);
    EXPECT_EQ(empty.size(), 0);
    evaluate(exec, grid, no_points, no_values, empty);
    adjoint(exec, grid, no_points, no_values, grad, none, empty);
    EXPECT_EQ(host_vector(grad), std::vector<double>(grad.size(), 0.0));
  }
  auto other_res = random_grid<ExecutionSpace, 3>({6, 5, 5}, 3, Basis::bspline, 51);
  CP grad_res("grad_res", other_res.num_control_points(), 3);
  expect_error([&] { adjoint(exec, other_res, points, y, grad_res, none, order); },
               {"splinegrid::adjoint", "geometry"});
}

TYPED_TEST(Adjoint, PointOrderSortsOnceForEvaluateAndAdjoint) { check_point_order<TypeParam>(); }

// Clamp semantics of dL/dx: zero strictly outside, one-sided slope on the boundary.
template <class ExecutionSpace>
void check_grad_points_at_clamp() {
  ExecutionSpace exec;
  Grid<double, 1, typename ExecutionSpace::memory_space> grid({5}, 1, Basis::catmull_rom);
  grid.copy_from_channel_first({0.0, 1.0, 3.0, 2.0, 7.0});
  auto points = Matrix<ExecutionSpace>("points", 4, 1);
  auto hp = Kokkos::create_mirror_view(points);
  hp(0, 0) = -0.5; hp(1, 0) = 0.0; hp(2, 0) = 1.0; hp(3, 0) = 1.5;
  Kokkos::deep_copy(points, hp);
  Matrix<ExecutionSpace> ones("ones", 4, 1), gp("gp", 4, 1);
  Kokkos::deep_copy(ones, 1.0);
  typename decltype(grid)::control_points_type none;
  adjoint(exec, grid, points, ones, none, gp);
  auto const g = host_vector(gp);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_NEAR(g[1], (1.0 - 0.0) * 4, 1e-13);  // (d1 - d0)(n - 1)
  EXPECT_NEAR(g[2], (7.0 - 2.0) * 4, 1e-13);
  EXPECT_EQ(g[3], 0.0);
}

TYPED_TEST(Adjoint, GradPointsFollowTheClamp) { check_grad_points_at_clamp<TypeParam>(); }

}  // namespace
