// Bad input: clear errors naming the function and the problem; NaN and infinite
// coordinates; 64-bit index arithmetic.

#include "test_spaces.hpp"

#include <cmath>
#include <limits>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class ExecutionSpace>
void check_grid_construction_errors() {
  using Memory = typename ExecutionSpace::memory_space;
  expect_error([] { Grid<double, 2, Memory> g({3, 0}, 1); }, {"splinegrid::Grid", "resolution[1]", ">= 1"});
  expect_error([] { Grid<double, 1, Memory> g({-4}, 1); }, {"splinegrid::Grid", "resolution[0]"});
  expect_error([] { Grid<double, 1, Memory> g({3}, 0); }, {"splinegrid::Grid", "channels"});
  Domain<1> bad;
  bad.lo = {1.0};
  bad.hi = {1.0};
  expect_error([&] { Grid<double, 1, Memory> g({3}, 1, Basis::bspline, bad); },
               {"splinegrid::Grid", "domain of axis 0", "lo < hi"});
  bad.hi = {std::numeric_limits<double>::quiet_NaN()};
  expect_error([&] { Grid<double, 1, Memory> g({3}, 1, Basis::bspline, bad); },
               {"splinegrid::Grid", "finite"});
  // 2^80 control points: rejected before any allocation (index overflow).
  expect_error([] { Grid<float, 4, Memory> g({1 << 20, 1 << 20, 1 << 20, 1 << 20}, 1); },
               {"splinegrid::Grid", "overflow"});
  Grid<double, 2, Memory> g({3, 4}, 2);
  expect_error([&] { g.copy_from_channel_first(std::vector<double>(23)); },
               {"splinegrid::Grid::copy_from_channel_first", "expected 24"});
  expect_error([] { basis_from_string("cubic"); }, {"splinegrid::basis_from_string", "cubic"});
}

template <class ExecutionSpace>
void check_call_errors() {
  ExecutionSpace exec;
  Grid<double, 3, typename ExecutionSpace::memory_space> grid({3, 4, 5}, 2);
  Matrix<ExecutionSpace> p2("p2", 10, 2), p3("p3", 10, 3), v("v", 10, 2), v_n("v_n", 9, 2),
      v_c("v_c", 10, 3), gp("gp", 10, 3), gp_bad("gp_bad", 10, 2);
  Kokkos::View<double***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> g("g", 10, 2, 2);
  expect_error([&] { evaluate(exec, grid, p2, v); }, {"splinegrid::evaluate", "points", "extent(1) == 3"});
  expect_error([&] { evaluate(exec, grid, p3, v_n); }, {"splinegrid::evaluate", "values", "extent(0) == 10"});
  expect_error([&] { evaluate(exec, grid, p3, v_c); }, {"splinegrid::evaluate", "values", "extent(1) == 2"});
  expect_error([&] { evaluate_gradients(exec, grid, p3, v, g); },
               {"splinegrid::evaluate_gradients", "gradients", "extent(2) == 3"});
  typename decltype(grid)::control_points_type cp_bad("cp_bad", 59, 2), cp("cp", 60, 2);
  expect_error([&] { adjoint(exec, grid, p3, v, cp_bad, gp); },
               {"splinegrid::adjoint", "grad_control_points", "extent(0) == 60"});
  expect_error([&] { adjoint(exec, grid, p3, v, cp, gp_bad); },
               {"splinegrid::adjoint", "grad_points", "extent(1) == 3"});
  // N = 0 is a valid empty batch; the control-point gradient is zeroed.
  Matrix<ExecutionSpace> p0("p0", 0, 3), v0("v0", 0, 2), gp0("gp0", 0, 3);
  Kokkos::deep_copy(cp, 5.0);
  evaluate(exec, grid, p0, v0);
  adjoint(exec, grid, p0, v0, cp, gp0);
  for (double x : host_vector(cp)) EXPECT_EQ(x, 0.0);
}

template <class T>
class Validation : public ::testing::Test {};
TYPED_TEST_SUITE(Validation, ExecutionSpaces);

TYPED_TEST(Validation, GridConstructionRejectsBadArguments) { check_grid_construction_errors<TypeParam>(); }
TYPED_TEST(Validation, CallsRejectMismatchedExtents) { check_call_errors<TypeParam>(); }

// NaN coordinates give NaN values and gradients (never an out-of-bounds access);
// infinite and huge coordinates are clamped like any other outside point.
template <class ExecutionSpace>
void check_non_finite_coordinates() {
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, 2>({4, 5}, 2, Basis::bspline, 111);
  double const nan = std::numeric_limits<double>::quiet_NaN();
  double const inf = std::numeric_limits<double>::infinity();
  std::vector<std::array<double, 2>> pts = {{nan, 0.5}, {0.5, nan}, {inf, 0.5}, {-inf, 0.5},
                                            {1e300, 0.5}, {1.0, 0.5}, {-1e300, 0.5}, {0.0, 0.5}};
  Matrix<ExecutionSpace> points("points", pts.size(), 2), values("values", pts.size(), 2),
      ones("ones", pts.size(), 2), gp("gp", pts.size(), 2);
  auto hp = Kokkos::create_mirror_view(points);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    hp(i, 0) = pts[i][0];
    hp(i, 1) = pts[i][1];
  }
  Kokkos::deep_copy(points, hp);
  Kokkos::deep_copy(ones, 1.0);
  evaluate(exec, grid, points, values);
  typename decltype(grid)::control_points_type cp("cp", 20, 2);
  adjoint(exec, grid, points, ones, cp, gp);
  auto const v = host_vector(values), g = host_vector(gp);
  for (int c = 0; c < 2; ++c) {
    EXPECT_TRUE(std::isnan(v[0 * 2 + c]));
    EXPECT_TRUE(std::isnan(v[1 * 2 + c]));
    EXPECT_EQ(v[2 * 2 + c], v[5 * 2 + c]);  // +inf clamps to 1
    EXPECT_EQ(v[3 * 2 + c], v[7 * 2 + c]);  // -inf clamps to 0
    EXPECT_EQ(v[4 * 2 + c], v[5 * 2 + c]);
    EXPECT_EQ(v[6 * 2 + c], v[7 * 2 + c]);
  }
  EXPECT_TRUE(std::isnan(g[0]));
  for (int i : {2, 3, 4, 6}) {
    EXPECT_EQ(g[i * 2 + 0], 0.0) << "clamped axis gets no gradient";
    EXPECT_TRUE(std::isfinite(g[i * 2 + 1]));
  }
}

TYPED_TEST(Validation, NonFiniteCoordinatesAreSafe) { check_non_finite_coordinates<TypeParam>(); }

// Index math is 64-bit: an axis of 3e9 control points with a stride of 2e9 rows
// (a grid far past 2^31 elements) yields exact row offsets, checked on the stencil
// without allocating the grid.
TEST(Validation, StencilIndexMathIs64Bit) {
  Impl::Axis<double> axis;
  axis.n = 3000000000LL;
  axis.stride = 2000000000LL;
  axis.lo = 0;
  axis.hi = 1;
  axis.scale = double(axis.n - 1);
  axis.boundary = Boundary::linear;
  axis.extrapolation = Extrapolation::clamp;
  double const u = 2999999990.5 / double(axis.n - 1);  // interval 2999999990
  auto const m = Impl::basis_matrix<double>(Basis::bspline);
  auto const st = Impl::make_axis_stencil<1>(m, axis, u);
  EXPECT_EQ(st.window, 2999999990LL);
  for (int j = 0; j < 4; ++j) EXPECT_EQ(st.row[j], (2999999989LL + j) * 2000000000LL);
  double sum = 0;
  for (int j = 0; j < 4; ++j) sum += st.w[0][j];
  EXPECT_NEAR(sum, 1.0, 1e-6);
  auto const last = Impl::make_axis_stencil<1>(m, axis, 1.0);
  EXPECT_EQ(last.window, axis.n - 2);
  // Contiguous window n-4..n-1 with the ghost folded in; its first tap weighs 0.
  for (int j = 0; j < 4; ++j) EXPECT_EQ(last.row[j], (axis.n - 4 + j) * axis.stride);
  EXPECT_EQ(last.w[0][0], 0.0);
  EXPECT_NEAR(last.w[0][3], 1.0, 1e-12);  // u = hi is the last control point exactly
}

}  // namespace
