// Least-squares fitting: recovery of known grids, the seed's examples, the penalty's
// limits, weights, fill offsets, resumable state and bad input.

#include "fit_helpers.hpp"

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

// Exact samples of a random grid: the fit recovers its control points.
template <class E, int Dim>
void check_recovery(Basis basis, std::array<std::int64_t, Dim> res, int channels) {
  auto truth = random_grid<E, Dim>(res, channels, basis, 17);
  std::int64_t n = 30;
  for (int k = 0; k < Dim; ++k) n *= res[k] + 1;
  auto obs = samples_of<E, Dim>(truth, n, 23);
  Grid<double, Dim, typename E::memory_space> fit(res, channels, basis);
  LeastSquaresOptions options;
  options.tolerance = 1e-14;
  FitReport const report = fit_least_squares(E{}, fit, obs, options);
  SCOPED_TRACE(describe(basis, {res.begin(), res.end()}, channels));
  EXPECT_LT(report.measure, 1e-12);
  EXPECT_LT(max_abs_difference(host_vector(fit.control_points()),
                               host_vector(truth.control_points())),
            1e-9);
  EXPECT_LT(report.loss, 1e-18 * double(n));
}

template <class T>
class LeastSquares : public ::testing::Test {};
TYPED_TEST_SUITE(LeastSquares, ExecutionSpaces);

TYPED_TEST(LeastSquares, RecoversKnownGridsFromExactSamples) {
  for (Basis b : {Basis::bspline, Basis::catmull_rom}) {
    check_recovery<TypeParam, 1>(b, {7}, 2);
    check_recovery<TypeParam, 2>(b, {5, 4}, 3);
    check_recovery<TypeParam, 3>(b, {4, 3, 5}, 1);
    check_recovery<TypeParam, 4>(b, {3, 4, 2, 3}, 2);
  }
}

template <class E>
void check_lsq_seed_examples() {
  Matrix<E> truth;
  auto sine = noisy_sine<E>(1000, truth);
  Grid<double, 1, typename E::memory_space> g1({6}, 1);
  fit_least_squares(E{}, g1, sine);
  EXPECT_LT((mean_abs_error<E, 1>(g1, sine.points, truth)), 0.02);

  check_radial_seed_examples<E>([](auto& grid, auto const& obs) {
    EXPECT_TRUE(fit_least_squares(E{}, grid, obs).converged);
  });
}

TYPED_TEST(LeastSquares, SeedExamples) { check_lsq_seed_examples<TypeParam>(); }

// Huge smoothness: second differences vanish, the 1D fit is the straight-line
// regression of y on u; huge ridge: control points go to 0.
template <class E>
void check_penalty_limits() {
  Matrix<E> truth;
  auto obs = noisy_sine<E>(500, truth);
  Grid<double, 1, typename E::memory_space> grid({9}, 1);
  LeastSquaresOptions options;
  options.penalty.smoothness = 1e9;
  options.tolerance = 1e-13;
  options.max_iterations = 5000;
  fit_least_squares(E{}, grid, obs, options);
  auto const c = host_vector(grid.control_points());
  for (std::size_t i = 1; i + 1 < c.size(); ++i)
    EXPECT_NEAR(c[i - 1] - 2 * c[i] + c[i + 1], 0.0, 1e-7) << i;
  // Closed-form line fit.
  auto const x = host_vector(obs.points), y = host_vector(obs.values);
  double sx = 0, sy = 0, sxx = 0, sxy = 0, n = double(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i], sy += y[i], sxx += x[i] * x[i], sxy += x[i] * y[i];
  }
  double const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  double const intercept = (sy - slope * sx) / n;
  for (std::size_t i = 0; i < c.size(); ++i)
    EXPECT_NEAR(c[i], intercept + slope * double(i) / 8.0, 1e-6) << i;

  LeastSquaresOptions ridge;
  ridge.penalty.ridge = 1e12;
  fit_least_squares(E{}, grid, obs, ridge);
  for (double v : host_vector(grid.control_points())) EXPECT_LT(std::fabs(v), 1e-8);
}

TYPED_TEST(LeastSquares, PenaltyLimitsGiveTheNullSpace) { check_penalty_limits<TypeParam>(); }

// 2D smoothness limit: control points become multilinear (a + b i + c j + d i j).
template <class E>
void check_multilinear_limit() {
  auto obs = radial<E, 2>(3000, 5);
  Grid<double, 2, typename E::memory_space> grid({5, 6}, 1);
  LeastSquaresOptions options;
  options.penalty.smoothness = 1e9;
  options.tolerance = 1e-13;
  options.max_iterations = 5000;
  fit_least_squares(E{}, grid, obs, options);
  auto const c = host_vector(grid.control_points());
  for (int i = 0; i < 5; ++i)
    for (int j = 1; j + 1 < 6; ++j)
      EXPECT_NEAR(c[i * 6 + j - 1] - 2 * c[i * 6 + j] + c[i * 6 + j + 1], 0, 1e-7);
  for (int i = 1; i + 1 < 5; ++i)
    for (int j = 0; j < 6; ++j)
      EXPECT_NEAR(c[(i - 1) * 6 + j] - 2 * c[i * 6 + j] + c[(i + 1) * 6 + j], 0, 1e-7);
}

TYPED_TEST(LeastSquares, SmoothnessLimitIsMultilinear) { check_multilinear_limit<TypeParam>(); }

// Weight 0 removes an observation; integer weights equal repetition.
template <class E>
void check_weights() {
  auto truth = random_grid<E, 2>({4, 4}, 1, Basis::bspline, 3);
  auto obs = samples_of<E, 2>(truth, 400, 4);
  auto noise = random_matrix<E>(400, 1, -0.5, 0.5, 5);
  auto values = obs.values;
  Kokkos::parallel_for("test::noise", Kokkos::RangePolicy<E>(0, 400),
                       KOKKOS_LAMBDA(int i) { values(i, 0) += noise(i, 0); });
  obs.weights = typename Obs<E, 2>::vector_type("w", 400);
  auto w = Kokkos::create_mirror_view(obs.weights);
  for (int i = 0; i < 400; ++i) w(i) = i % 3;  // 0, 1, 2
  Kokkos::deep_copy(obs.weights, w);
  Grid<double, 2, typename E::memory_space> weighted({4, 4}, 1);
  LeastSquaresOptions options;
  options.tolerance = 1e-13;
  fit_least_squares(E{}, weighted, obs, options);

  // The same fit with weight-2 rows repeated and weight-0 rows dropped.
  auto const x = host_vector(obs.points), y = host_vector(obs.values);
  std::vector<int> rows;
  for (int i = 0; i < 400; ++i)
    for (int r = 0; r < i % 3; ++r) rows.push_back(i);
  Obs<E, 2> repeated;
  repeated.points = Matrix<E>("x", rows.size(), 2);
  repeated.values = Matrix<E>("y", rows.size(), 1);
  auto hx = Kokkos::create_mirror_view(repeated.points);
  auto hy = Kokkos::create_mirror_view(repeated.values);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    hx(r, 0) = x[2 * rows[r]], hx(r, 1) = x[2 * rows[r] + 1], hy(r, 0) = y[rows[r]];
  }
  Kokkos::deep_copy(repeated.points, hx);
  Kokkos::deep_copy(repeated.values, hy);
  Grid<double, 2, typename E::memory_space> plain({4, 4}, 1);
  fit_least_squares(E{}, plain, repeated, options);
  EXPECT_LT(max_abs_difference(host_vector(weighted.control_points()),
                               host_vector(plain.control_points())),
            1e-10);
}

TYPED_TEST(LeastSquares, WeightsActLikeRepetition) { check_weights<TypeParam>(); }

// Fill axes: points outside take the fill value, which is not a control-point
// function; the fit must still recover the grid.
template <class E>
void check_fill_offset() {
  Domain<2> domain{{0.25, 0.25}, {0.75, 0.75}};
  auto truth = random_grid<E, 2>({5, 5}, 2, Basis::bspline, 8, domain);
  truth.set_boundary(Boundary::mirror, Extrapolation::fill);
  truth.set_fill_value(3.0);
  auto obs = samples_of<E, 2>(truth, 3000, 9);  // about 3/4 of them outside
  Grid<double, 2, typename E::memory_space> fit({5, 5}, 2, Basis::bspline, domain);
  fit.set_boundary(Boundary::mirror, Extrapolation::fill);
  fit.set_fill_value(3.0);
  LeastSquaresOptions options;
  options.tolerance = 1e-14;
  FitReport const r = fit_least_squares(E{}, fit, obs, options);
  EXPECT_LT(max_abs_difference(host_vector(fit.control_points()),
                               host_vector(truth.control_points())),
            1e-9);
  EXPECT_LT(r.loss, 1e-15);
}

TYPED_TEST(LeastSquares, FillValueOffsetsAreHandled) { check_fill_offset<TypeParam>(); }

// Stopping after k iterations and resuming from the saved state gives the same
// control points bitwise as an uninterrupted fit.
template <class E>
void check_resume() {
  auto obs = radial<E, 3>(5000, 11);
  using G = Grid<double, 3, typename E::memory_space>;
  LeastSquaresOptions options;
  options.tolerance = 0;
  options.max_iterations = 25;
  options.residual_replacement = 10;
  options.penalty.smoothness = 0.1;
  options.strategy = AdjointStrategy::deterministic;
  G straight({6, 5, 4}, 1);
  fit_least_squares(E{}, straight, obs, options);

  G first({6, 5, 4}, 1);
  LeastSquaresFit<double, 3, typename E::memory_space, E> a(E{}, first, obs, options);
  for (int i = 0; i < 13; ++i) a.iterate();
  OptimizerState const saved = a.state();
  auto const saved_cp = host_vector(first.control_points());

  G second({6, 5, 4}, 1);
  auto cp = Kokkos::create_mirror_view(second.control_points());
  for (std::size_t i = 0; i < saved_cp.size(); ++i) cp(i, 0) = saved_cp[i];
  Kokkos::deep_copy(second.control_points(), cp);
  LeastSquaresFit<double, 3, typename E::memory_space, E> b(E{}, second, obs, options);
  b.restore(saved);
  FitReport const r = b.run();
  EXPECT_EQ(r.iterations, 25);
  EXPECT_EQ(host_vector(second.control_points()), host_vector(straight.control_points()));
}

TYPED_TEST(LeastSquares, ResumedFitIsBitwiseIdentical) { check_resume<TypeParam>(); }

// Every preconditioner reaches the same solution, for every boundary kind; the
// tensor one in far fewer iterations on evenly spread data.
template <class E>
void check_preconditioners() {
  for (Boundary b : {Boundary::linear, Boundary::wrap, Boundary::not_a_knot, Boundary::mirror,
                     Boundary::grid_constant}) {
    auto truth = random_grid<E, 3>({9, 1, 6}, 2, Basis::bspline, 31);
    truth.set_boundary(b, Extrapolation::clamp);
    truth.set_boundary(2, Boundary::reflect, Extrapolation::extend);
    auto obs = samples_of<E, 3>(truth, 3000, 32);
    std::int64_t iterations[3];
    for (Preconditioner p : {Preconditioner::none, Preconditioner::jacobi, Preconditioner::tensor}) {
      Grid<double, 3, typename E::memory_space> fit({9, 1, 6}, 2);
      fit.set_boundary(b, Extrapolation::clamp);
      fit.set_boundary(2, Boundary::reflect, Extrapolation::extend);
      LeastSquaresOptions options;
      options.tolerance = 1e-13;
      options.preconditioner = p;
      FitReport const r = fit_least_squares(E{}, fit, obs, options);
      iterations[int(p)] = r.iterations;
      EXPECT_TRUE(r.converged) << int(b) << " " << int(p);
      EXPECT_LT(max_abs_difference(host_vector(fit.control_points()),
                                   host_vector(truth.control_points())),
                1e-8)
          << int(b) << " " << int(p);
      if (p == Preconditioner::none) continue;
      Grid<double, 3, typename E::memory_space> plain({9, 1, 6}, 2);
      plain.set_boundary(b, Extrapolation::clamp);
      plain.set_boundary(2, Boundary::reflect, Extrapolation::extend);
      options.preconditioner = Preconditioner::none;
      fit_least_squares(E{}, plain, obs, options);
      EXPECT_LT(max_abs_difference(host_vector(fit.control_points()),
                                   host_vector(plain.control_points())),
                1e-10);
    }
    EXPECT_LT(iterations[2] * 2, iterations[1]) << int(b);
  }
}

TYPED_TEST(LeastSquares, PreconditionersAgree) { check_preconditioners<TypeParam>(); }

template <class E>
void check_bad_input() {
  using M = typename E::memory_space;
  Grid<double, 2, M> grid({4, 4}, 1);
  auto good = radial<E, 2>(100, 1);
  auto expect_error = [&](Obs<E, 2> const& obs, LeastSquaresOptions const& options,
                          std::string const& what) {
    try {
      fit_least_squares(E{}, grid, obs, options);
      ADD_FAILURE() << "no error for " << what;
    } catch (std::invalid_argument const& e) {
      std::string const msg = e.what();
      EXPECT_EQ(msg.rfind("splinegrid::fit_least_squares: ", 0), 0u) << msg;
      EXPECT_NE(msg.find(what), std::string::npos) << msg;
    }
  };
  LeastSquaresOptions ok;
  Obs<E, 2> empty{Matrix<E>("x", 0, 2), Matrix<E>("y", 0, 1), {}};
  expect_error(empty, ok, "no observations");
  Obs<E, 2> nan = good;
  nan.values = Matrix<E>("y", 100, 1);
  Kokkos::deep_copy(nan.values, std::nan(""));
  expect_error(nan, ok, "targets");
  Obs<E, 2> inf_points = good;
  inf_points.points = Matrix<E>("x", 100, 2);
  Kokkos::deep_copy(inf_points.points, INFINITY);
  expect_error(inf_points, ok, "coordinates");
  Obs<E, 2> short_values = good;
  short_values.values = Matrix<E>("y", 99, 1);
  expect_error(short_values, ok, "observations.values must have extent(0) == 100");
  Obs<E, 2> channels = good;
  channels.values = Matrix<E>("y", 100, 2);
  expect_error(channels, ok, "observations.values must have extent(1) == 1");
  Obs<E, 2> weights = good;
  weights.weights = typename Obs<E, 2>::vector_type("w", 100);
  Kokkos::deep_copy(weights.weights, -1.0);
  expect_error(weights, ok, "weights are negative");
  LeastSquaresOptions negative;
  negative.penalty.smoothness = -1;
  expect_error(good, negative, "smoothness (lambda) must be finite and >= 0");
  LeastSquaresOptions bad_tol;
  bad_tol.tolerance = std::nan("");
  expect_error(good, bad_tol, "tolerance");
}

TYPED_TEST(LeastSquares, BadInputIsRejected) { check_bad_input<TypeParam>(); }

}  // namespace
