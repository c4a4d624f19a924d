// Interpolating splines: samples are reproduced, the construction's adjoint is its
// transpose and gives dL/dsamples, periodic and fill axes behave.

#include "test_spaces.hpp"

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

constexpr Boundary all_boundaries[] = {Boundary::linear,  Boundary::not_a_knot, Boundary::mirror,
                                       Boundary::reflect, Boundary::wrap,       Boundary::nearest,
                                       Boundary::grid_constant};

template <int Dim>
std::vector<std::array<std::int64_t, Dim>> short_resolutions() {
  if constexpr (Dim == 1) return {{1}, {2}, {3}, {4}, {5}, {9}};
  if constexpr (Dim == 2) return {{2, 5}, {6, 3}, {1, 4}};
  if constexpr (Dim == 3) return {{4, 2, 5}, {3, 6, 1}};
}

// Control-point positions of a grid as (rows, Dim) points.
template <class ExecutionSpace, int Dim>
Matrix<ExecutionSpace> control_positions(std::array<std::int64_t, Dim> const& res) {
  std::int64_t rows = 1;
  for (auto n : res) rows *= n;
  Matrix<ExecutionSpace> p("positions", rows, Dim);
  auto h = Kokkos::create_mirror_view(p);
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t rest = r;
    for (int k = Dim - 1; k >= 0; --k) {
      std::int64_t const i = rest % res[k];
      rest /= res[k];
      h(r, k) = res[k] > 1 ? double(i) / double(res[k] - 1) : 0.0;
    }
  }
  Kokkos::deep_copy(p, h);
  return p;
}

template <class ExecutionSpace, int Dim>
void check_reproduces_samples() {
  ExecutionSpace exec;
  for (Boundary b : all_boundaries)
    for (auto const& res : short_resolutions<Dim>()) {
      Grid<double, Dim, typename ExecutionSpace::memory_space> grid(res, 2);
      grid.set_boundary(b, Extrapolation::extend);
      auto samples = random_matrix<ExecutionSpace>(grid.num_control_points(), 2, -1, 1, 141);
      interpolate(exec, grid, samples);
      auto positions = control_positions<ExecutionSpace, Dim>(res);
      Matrix<ExecutionSpace> values("values", grid.num_control_points(), 2);
      evaluate(exec, grid, positions, values);
      auto const v = host_vector(values), s = host_vector(samples);
      for (std::size_t i = 0; i < v.size(); ++i)
        EXPECT_NEAR(v[i], s[i], 1e-12) << to_string(b) << " " << describe<Dim>(Basis::bspline, res, 2);
    }
}

template <class T>
class Interpolate : public ::testing::Test {};
TYPED_TEST_SUITE(Interpolate, ExecutionSpaces);

TYPED_TEST(Interpolate, PassesThroughTheSamples) {
  check_reproduces_samples<TypeParam, 1>();
  check_reproduces_samples<TypeParam, 2>();
  check_reproduces_samples<TypeParam, 3>();
}

// <interpolate(d), g> == <d, interpolate_adjoint(g)>.
template <class ExecutionSpace, int Dim>
void check_construction_transpose() {
  ExecutionSpace exec;
  for (Boundary b : all_boundaries)
    for (auto const& res : short_resolutions<Dim>()) {
      Grid<double, Dim, typename ExecutionSpace::memory_space> grid(res, 3);
      grid.set_boundary(b, Extrapolation::extend);
      auto d = random_matrix<ExecutionSpace>(grid.num_control_points(), 3, -1, 1, 151);
      auto g = random_matrix<ExecutionSpace>(grid.num_control_points(), 3, -1, 1, 152);
      interpolate(exec, grid, d);
      typename decltype(grid)::control_points_type gd("gd", grid.num_control_points(), 3);
      interpolate_adjoint(exec, grid, g, gd);
      double const lhs = dot(host_vector(grid.control_points()), host_vector(g));
      double const rhs = dot(host_vector(d), host_vector(gd));
      EXPECT_NEAR(lhs, rhs, 1e-12 * (1 + std::fabs(lhs))) << to_string(b) << " "
                                                          << describe<Dim>(Basis::bspline, res, 3);
    }
}

TYPED_TEST(Interpolate, AdjointIsTransposeOfConstruction) {
  check_construction_transpose<TypeParam, 1>();
  check_construction_transpose<TypeParam, 2>();
  check_construction_transpose<TypeParam, 3>();
}

// End to end: L(samples) = <evaluate(interpolate(samples), x), y>; dL/dsamples from
// adjoint + interpolate_adjoint against central differences (L is linear, so the
// differences are exact up to rounding).
template <class ExecutionSpace>
void check_samples_gradient_by_finite_differences() {
  ExecutionSpace exec;
  for (Boundary b : all_boundaries) {
    Grid<double, 2, typename ExecutionSpace::memory_space> grid({5, 4}, 1);
    grid.set_boundary(b, Extrapolation::extend);
    auto samples = random_matrix<ExecutionSpace>(20, 1, -1, 1, 161);
    auto x = random_matrix<ExecutionSpace>(30, 2, -0.3, 1.3, 162);
    auto y = random_matrix<ExecutionSpace>(30, 1, -1, 1, 163);
    Matrix<ExecutionSpace> values("values", 30, 1), none;
    auto loss = [&]() {
      interpolate(exec, grid, samples);
      evaluate(exec, grid, x, values);
      return dot(host_vector(values), host_vector(y));
    };
    typename decltype(grid)::control_points_type g("g", 20, 1);
    interpolate(exec, grid, samples);
    adjoint(exec, grid, x, y, g, none);
    interpolate_adjoint(exec, grid, g, g);
    auto const grad = host_vector(g);
    auto hs = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, samples);
    for (int r = 0; r < 20; ++r) {
      double const keep = hs(r, 0);
      hs(r, 0) = keep + 1e-3;
      Kokkos::deep_copy(samples, hs);
      double const plus = loss();
      hs(r, 0) = keep - 1e-3;
      Kokkos::deep_copy(samples, hs);
      double const minus = loss();
      hs(r, 0) = keep;
      Kokkos::deep_copy(samples, hs);
      EXPECT_NEAR(grad[r], (plus - minus) / 2e-3, 1e-9) << to_string(b) << " sample " << r;
    }
  }
}

TYPED_TEST(Interpolate, SampleGradientMatchesFiniteDifferences) {
  check_samples_gradient_by_finite_differences<TypeParam>();
}

// A wrap axis is periodic for approximating grids too: f(u) = f(u + 1 + 1/(n-1))
// (period n samples = n/(n-1) in u), with matching derivatives.
template <class ExecutionSpace>
void check_periodic_catmull_rom() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 1>({5}, 2, Basis::catmull_rom, 171);
  grid.set_boundary(Boundary::wrap, Extrapolation::extend);
  double const period = 5.0 / 4.0;
  auto u = random_matrix<ExecutionSpace>(50, 1, -2, 2, 172);
  Matrix<ExecutionSpace> shifted("shifted", 50, 1), a("a", 50, 2), b("b", 50, 2);
  auto hu = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, u);
  auto hs = Kokkos::create_mirror_view(shifted);
  for (int i = 0; i < 50; ++i) hs(i, 0) = hu(i, 0) + period;
  Kokkos::deep_copy(shifted, hs);
  Kokkos::View<double***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> ga("ga", 50, 2, 1),
      gb("gb", 50, 2, 1);
  evaluate_gradients(exec, grid, u, a, ga);
  evaluate_gradients(exec, grid, shifted, b, gb);
  auto const va = host_vector(a), vb = host_vector(b);
  for (std::size_t i = 0; i < va.size(); ++i) EXPECT_NEAR(va[i], vb[i], 1e-12);
  auto const hga = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, ga);
  auto const hgb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, gb);
  for (int i = 0; i < 50; ++i)
    for (int c = 0; c < 2; ++c) EXPECT_NEAR(hga(i, c, 0), hgb(i, c, 0), 1e-10);
}

TYPED_TEST(Interpolate, WrapAxisIsPeriodicForCatmullRom) { check_periodic_catmull_rom<TypeParam>(); }

// fill: outside the domain the value is the fill value and nothing flows back.
template <class ExecutionSpace>
void check_fill() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 2>({4, 4}, 1, Basis::bspline, 181);
  grid.set_boundary(1, Boundary::linear, Extrapolation::fill);
  grid.set_fill_value(-7.5);
  Matrix<ExecutionSpace> x("x", 2, 2), v("v", 2, 1), ones("ones", 2, 1), gp("gp", 2, 2);
  auto hx = Kokkos::create_mirror_view(x);
  hx(0, 0) = 0.5, hx(0, 1) = 1.01;  // outside on the fill axis
  hx(1, 0) = 1.5, hx(1, 1) = 0.5;   // outside on the clamp axis only
  Kokkos::deep_copy(x, hx);
  Kokkos::deep_copy(ones, 1.0);
  evaluate(exec, grid, x, v);
  typename decltype(grid)::control_points_type g("g", 16, 1);
  adjoint(exec, grid, x, ones, g, gp);
  auto const hv = host_vector(v), hg = host_vector(gp), hcp = host_vector(g);
  EXPECT_EQ(hv[0], -7.5);
  EXPECT_NE(hv[1], -7.5);
  EXPECT_EQ(hg[0], 0.0);
  EXPECT_EQ(hg[1], 0.0);
  double sum = 0;
  for (double c : hcp) sum += c;
  EXPECT_NEAR(sum, 1.0, 1e-14);  // only the second point contributes (partition of unity)
}

TYPED_TEST(Interpolate, FillAxisGivesFillValue) { check_fill<TypeParam>(); }

// Deterministic adjoint through index-mapped and folded boundaries, far outside too.
template <class ExecutionSpace>
std::vector<double> deterministic_with_boundaries() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 3>({5, 4, 6}, 2, Basis::bspline, 191);
  grid.set_boundary(0, Boundary::wrap, Extrapolation::extend);
  grid.set_boundary(1, Boundary::nearest, Extrapolation::extend);
  grid.set_boundary(2, Boundary::reflect, Extrapolation::extend);
  auto x = random_matrix<ExecutionSpace>(5000, 3, -3, 4, 192);
  auto y = random_matrix<ExecutionSpace>(5000, 2, -1, 1, 193);
  typename decltype(grid)::control_points_type det("det", grid.num_control_points(), 2),
      fast("fast", grid.num_control_points(), 2);
  Matrix<ExecutionSpace> none;
  AdjointOptions o;
  adjoint(exec, grid, x, y, fast, none, o);
  o.strategy = AdjointStrategy::deterministic;
  adjoint(exec, grid, x, y, det, none, o);
  auto const f = host_vector(fast), d = host_vector(det);
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_NEAR(f[i], d[i], 1e-11 * (1 + std::fabs(d[i])));
  return d;
}

TYPED_TEST(Interpolate, DeterministicAdjointHandlesEveryBoundary) {
  auto const a = deterministic_with_boundaries<TypeParam>();
  auto const b = deterministic_with_boundaries<ReferenceSpace>();
  EXPECT_EQ(a, b);
}

TYPED_TEST(Interpolate, RejectsCatmullRom) {
  Grid<double, 1, typename TypeParam::memory_space> grid({4}, 1, Basis::catmull_rom);
  try {
    interpolate(TypeParam{}, grid, grid.control_points());
    ADD_FAILURE() << "no exception";
  } catch (std::invalid_argument const& e) {
    EXPECT_NE(std::string(e.what()).find("splinegrid::interpolate"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("Basis::bspline"), std::string::npos);
  }
}

}  // namespace
