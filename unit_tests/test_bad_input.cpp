// The bad-input suite beyond test_validation.cpp: empty inputs, resolution-1 axes,
// concurrent work on several execution-space instances, and (with HDF5) grid files.

#include "fit_helpers.hpp"

#ifdef SPLINEGRID_TEST_HDF5
#include <splinegrid/grid_file.hpp>
#endif

#include <unistd.h>

#include <cstdio>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class T>
class BadInput : public ::testing::Test {};
TYPED_TEST_SUITE(BadInput, ExecutionSpaces);

// N = 0: every batched call is a no-op (the control-point gradient is zeroed).
template <class E>
void check_empty_inputs() {
  auto grid = random_grid<E, 3>({4, 3, 2}, 2, Basis::bspline, 1);
  Matrix<E> points("points", 0, 3), values("values", 0, 2), grad_points("gp", 0, 3);
  Kokkos::View<double***, Kokkos::LayoutRight, typename E::memory_space> gradients("g", 0, 2, 3);
  Kokkos::View<double****, Kokkos::LayoutRight, typename E::memory_space> hessians("h", 0, 2, 3, 3);
  typename decltype(grid)::control_points_type grad_cp("grad_cp", grid.num_control_points(), 2);
  Kokkos::deep_copy(grad_cp, 7.0);
  evaluate(E{}, grid, points, values);
  evaluate_gradients(E{}, grid, points, values, gradients);
  evaluate_hessians(E{}, grid, points, values, gradients, hessians);
  for (AdjointStrategy s : {AdjointStrategy::fast, AdjointStrategy::deterministic}) {
    Kokkos::deep_copy(grad_cp, 7.0);
    adjoint(E{}, grid, points, values, grad_cp, grad_points, AdjointOptions{s, false});
    for (double v : host_vector(grad_cp)) EXPECT_EQ(v, 0.0);
  }
}

TYPED_TEST(BadInput, EmptyInputsAreNoOps) { check_empty_inputs<TypeParam>(); }

// A resolution-1 axis is constant along that axis: zero derivative, any coordinate.
template <class E>
void check_resolution_one() {
  auto grid = random_grid<E, 2>({1, 5}, 1, Basis::catmull_rom, 2);
  auto points = random_matrix<E>(50, 2, -2, 3, 3);
  Matrix<E> values("v", 50, 1);
  Kokkos::View<double***, Kokkos::LayoutRight, typename E::memory_space> gradients("g", 50, 1, 2);
  evaluate_gradients(E{}, grid, points, values, gradients);
  auto const p = host_vector(points);
  auto const g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, gradients);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(g(i, 0, 0), 0.0);
  // Moving the first coordinate changes nothing.
  auto moved = random_matrix<E>(50, 2, -2, 3, 3);
  auto h = Kokkos::create_mirror_view(moved);
  for (int i = 0; i < 50; ++i) h(i, 0) = 0.37, h(i, 1) = p[2 * i + 1];
  Kokkos::deep_copy(moved, h);
  Matrix<E> values2("v2", 50, 1);
  evaluate(E{}, grid, moved, values2);
  EXPECT_EQ(host_vector(values), host_vector(values2));
}

TYPED_TEST(BadInput, ResolutionOneAxesAreConstant) { check_resolution_one<TypeParam>(); }

// Work issued on several instances of the execution space without fences in
// between gives the same results as one call at a time.
template <class E>
void check_concurrent_instances() {
  constexpr int K = 4;
  std::vector<Grid<double, 3, typename E::memory_space>> grids;
  std::vector<Matrix<E>> points, values, expected;
  std::vector<typename Grid<double, 3, typename E::memory_space>::control_points_type> grads, grads_expected;
  for (int k = 0; k < K; ++k) {
    grids.push_back(random_grid<E, 3>({5, 4, 6}, 3, k % 2 ? Basis::catmull_rom : Basis::bspline, 10 + k));
    points.push_back(random_matrix<E>(3000, 3, 0, 1, 20 + k));
    values.emplace_back("values", 3000, 3);
    expected.emplace_back("expected", 3000, 3);
    grads.emplace_back("grads", grids[k].num_control_points(), 3);
    grads_expected.emplace_back("grads_expected", grids[k].num_control_points(), 3);
    evaluate(E{}, grids[k], points[k], expected[k]);
    adjoint(E{}, grids[k], points[k], expected[k], grads_expected[k], Matrix<E>{},
            AdjointOptions{AdjointStrategy::deterministic, false});
  }
  E{}.fence();
  std::vector<E> instances(K);
  for (int k = 0; k < K; ++k) evaluate(instances[k], grids[k], points[k], values[k]);
  for (int k = 0; k < K; ++k)
    adjoint(instances[k], grids[k], points[k], values[k], grads[k], Matrix<E>{},
            AdjointOptions{AdjointStrategy::deterministic, false});
  for (int k = 0; k < K; ++k) instances[k].fence();
  for (int k = 0; k < K; ++k) {
    EXPECT_EQ(host_vector(values[k]), host_vector(expected[k])) << k;
    EXPECT_EQ(host_vector(grads[k]), host_vector(grads_expected[k])) << k;
  }
}

TYPED_TEST(BadInput, SeveralExecutionSpaceInstances) { check_concurrent_instances<TypeParam>(); }

#ifdef SPLINEGRID_TEST_HDF5
// Library-level grid files: round trip, and errors naming the file or function.
TEST(GridFile, RoundTripAndErrors) {
  using E = Kokkos::DefaultExecutionSpace;
  auto grid = random_grid<E, 3>({4, 2, 5}, 2, Basis::catmull_rom, 5,
                                Domain<3>{{-1, 0, 2}, {1, 3, 4}});
  grid.set_boundary(1, Boundary::wrap, Extrapolation::extend);
  grid.set_fill_value(0.25);
  std::string const path = "splinegrid_test_grid_" + std::to_string(::getpid()) + ".h5";
  save_grid(path, grid);
  auto const back = load_grid<double, 3>(path);
  EXPECT_EQ(host_vector(back.control_points()), host_vector(grid.control_points()));
  EXPECT_EQ(back.basis(), Basis::catmull_rom);
  EXPECT_EQ(back.boundary(1).boundary, Boundary::wrap);
  EXPECT_EQ(back.boundary(1).extrapolation, Extrapolation::extend);
  EXPECT_EQ(back.fill_value(), 0.25);
  EXPECT_EQ(back.domain().lo[0], -1.0);
  EXPECT_EQ(back.domain().hi[2], 4.0);
  try {
    load_grid<double, 2>(path);
    ADD_FAILURE() << "2D load of a 3D grid accepted";
  } catch (std::invalid_argument const& e) {
    EXPECT_NE(std::string(e.what()).find("holds a 3D grid, expected 2D"), std::string::npos);
  }
  auto float_grid = load_grid<float, 3>(path);  // float grids load from float64 files
  EXPECT_EQ(float_grid.channels(), 2);
  // The reader's allocation limit: 4*2*5*2 = 80 values fit in 80, not in 79.
  EXPECT_EQ(read_grid_file(path, GridFileLimits{80}).control_points.size(), 80u);
  try {
    read_grid_file(path, GridFileLimits{79});
    ADD_FAILURE() << "limit of 79 values accepted an 80-value grid";
  } catch (std::runtime_error const& e) {
    EXPECT_NE(std::string(e.what()).find("'control_points' holds 80 values, more than the reader's limit"),
              std::string::npos) << e.what();
  }
  EXPECT_THROW(read_grid_file(path, GridFileLimits{0}), std::invalid_argument);
  std::remove(path.c_str());
  try {
    read_grid_file(path);
    ADD_FAILURE() << "missing file accepted";
  } catch (std::runtime_error const& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open file");
  }
}
#endif

}  // namespace
