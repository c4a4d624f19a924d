// Gradient-based fitting (Adam, L-BFGS, custom losses) and coarse-to-fine refinement.

#include "fit_helpers.hpp"

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class E, int Dim>
using Obj = Objective<double, Dim, typename E::memory_space, SquaredLoss, E>;

// L-BFGS on the squared loss reaches the least-squares solution.
template <class E>
void check_lbfgs_matches_least_squares() {
  auto obs = radial<E, 3>(4000, 3);
  Penalty penalty{0.05, 0.0};
  Grid<double, 3, typename E::memory_space> lsq({4, 5, 4}, 1), lbfgs({4, 5, 4}, 1);
  LeastSquaresOptions lo;
  lo.penalty = penalty;
  lo.tolerance = 1e-13;
  FitReport const a = fit_least_squares(E{}, lsq, obs, lo);
  LbfgsOptions options;
  options.tolerance = 1e-9;
  options.max_iterations = 500;
  FitReport const b = fit_lbfgs(Obj<E, 3>(E{}, lbfgs, obs, {}, penalty), options);
  EXPECT_TRUE(b.converged) << b.stop_reason;
  EXPECT_NEAR(b.loss, a.loss, 1e-9 * a.loss);
  EXPECT_LT(max_abs_difference(host_vector(lbfgs.control_points()),
                               host_vector(lsq.control_points())),
            1e-6);
}

template <class T>
class GradientFit : public ::testing::Test {};
TYPED_TEST_SUITE(GradientFit, ExecutionSpaces);

TYPED_TEST(GradientFit, LbfgsMatchesLeastSquares) { check_lbfgs_matches_least_squares<TypeParam>(); }

// The seed's examples with Adam (sine, mini-batches) and L-BFGS (radial 2D-4D).
template <class E>
void check_gradient_seed_examples() {
  Matrix<E> truth;
  auto sine = noisy_sine<E>(1000, truth);
  Grid<double, 1, typename E::memory_space> g1({6}, 1);
  AdamOptions adam;
  adam.learning_rate = 0.05;
  adam.iterations = 1500;
  adam.batch_size = 100;
  adam.seed = 7;
  FitReport const r = fit_adam(Obj<E, 1>(E{}, g1, sine), adam);
  EXPECT_EQ(r.iterations, 1500);
  EXPECT_LT((mean_abs_error<E, 1>(g1, sine.points, truth)), 0.02);

  check_radial_seed_examples<E>([](auto& grid, auto const& obs) {
    constexpr int Dim = std::decay_t<decltype(grid)>::dimension;
    fit_lbfgs(Obj<E, Dim>(E{}, grid, obs));
  });
}

TYPED_TEST(GradientFit, SeedExamples) { check_gradient_seed_examples<TypeParam>(); }

// The objective's gradient against central differences (penalty included).
template <class E>
void check_objective_gradient() {
  auto obs = radial<E, 2>(300, 2);
  auto grid = random_grid<E, 2>({4, 3}, 1, Basis::catmull_rom, 4);
  HuberLoss huber{0.3};
  Objective<double, 2, typename E::memory_space, HuberLoss, E> objective(E{}, grid, obs, huber,
                                                                         Penalty{0.7, 0.2});
  using M = typename Grid<double, 2, typename E::memory_space>::control_points_type;
  M grad("grad", 12, 1), probe("probe", 12, 1), unused("unused", 12, 1);
  objective.value_and_gradient(grid.control_points(), grad);
  auto const g = host_vector(grad);
  auto const c = host_vector(grid.control_points());
  for (int r = 0; r < 12; ++r) {
    auto h = Kokkos::create_mirror_view(probe);
    double const step = 1e-6;
    for (int q = 0; q < 12; ++q) h(q, 0) = c[q] + (q == r ? step : 0);
    Kokkos::deep_copy(probe, h);
    double const up = objective.value_and_gradient(probe, unused);
    for (int q = 0; q < 12; ++q) h(q, 0) = c[q] - (q == r ? step : 0);
    Kokkos::deep_copy(probe, h);
    double const down = objective.value_and_gradient(probe, unused);
    EXPECT_NEAR(g[r], (up - down) / (2 * step), 1e-5 * (1 + std::fabs(g[r]))) << r;
  }
}

TYPED_TEST(GradientFit, ObjectiveGradientMatchesFiniteDifferences) {
  check_objective_gradient<TypeParam>();
}

// Huber shrugs off gross outliers that pull the squared-loss fit away.
template <class E>
void check_huber_robustness() {
  Matrix<E> truth;
  auto obs = noisy_sine<E>(1000, truth);
  auto y = obs.values;
  Kokkos::parallel_for("test::outliers", Kokkos::RangePolicy<E>(0, 1000), KOKKOS_LAMBDA(int i) {
    if (i % 20 == 0) y(i, 0) += 25.0;
  });
  Grid<double, 1, typename E::memory_space> squared({6}, 1), robust({6}, 1);
  fit_least_squares(E{}, squared, obs);
  LbfgsOptions options;
  options.max_iterations = 500;
  fit_lbfgs(Objective<double, 1, typename E::memory_space, HuberLoss, E>(E{}, robust, obs,
                                                                         HuberLoss{0.3}),
            options);
  double const e_squared = mean_abs_error<E, 1>(squared, obs.points, truth);
  double const e_robust = mean_abs_error<E, 1>(robust, obs.points, truth);
  EXPECT_GT(e_squared, 0.5);
  EXPECT_LT(e_robust, 0.1);
}

TYPED_TEST(GradientFit, HuberLossIsRobustToOutliers) { check_huber_robustness<TypeParam>(); }

// Interrupting Adam (mini-batches) or L-BFGS and resuming from the saved state and
// control points reproduces the uninterrupted fit bitwise.
template <class E, class Fit, class Options>
void check_resume(Options const& options, std::int64_t stop_at) {
  auto obs = radial<E, 2>(2000, 12);
  using G = Grid<double, 2, typename E::memory_space>;
  G straight({5, 5}, 1);
  Fit(Obj<E, 2>(E{}, straight, obs, {}, {}, serial_communicator(),
                AdjointStrategy::deterministic),
      options)
      .run();

  G first({5, 5}, 1);
  Fit a(Obj<E, 2>(E{}, first, obs, {}, {}, serial_communicator(), AdjointStrategy::deterministic),
        options);
  for (std::int64_t i = 0; i < stop_at; ++i) a.iterate();
  OptimizerState const saved = a.state();
  G second({5, 5}, 1);
  Kokkos::deep_copy(second.control_points(), first.control_points());
  Fit b(Obj<E, 2>(E{}, second, obs, {}, {}, serial_communicator(), AdjointStrategy::deterministic),
        options);
  b.restore(saved);
  b.run();
  EXPECT_EQ(host_vector(second.control_points()), host_vector(straight.control_points()));
}

TYPED_TEST(GradientFit, ResumedFitsAreBitwiseIdentical) {
  AdamOptions adam;
  adam.iterations = 60;
  adam.batch_size = 300;  // 7 batches per epoch: the resume lands mid-epoch
  adam.seed = 99;
  check_resume<TypeParam, AdamFit<Obj<TypeParam, 2>>>(adam, 23);
  LbfgsOptions lbfgs;
  lbfgs.max_iterations = 30;
  lbfgs.tolerance = 0;
  check_resume<TypeParam, LbfgsFit<Obj<TypeParam, 2>>>(lbfgs, 11);
}

template <class E>
void check_gradient_fit_errors() {
  auto obs = radial<E, 2>(100, 1);
  Grid<double, 2, typename E::memory_space> grid({3, 3}, 1);
  Obj<E, 2> objective(E{}, grid, obs);
  AdamOptions adam;
  adam.learning_rate = -1;
  EXPECT_THROW(fit_adam(objective, adam), std::invalid_argument);
  LbfgsOptions lbfgs;
  lbfgs.history = 0;
  EXPECT_THROW(fit_lbfgs(objective, lbfgs), std::invalid_argument);
  try {
    Obj<E, 2>(E{}, grid, obs, {}, Penalty{0, -2});
    ADD_FAILURE() << "negative ridge accepted";
  } catch (std::invalid_argument const& e) {
    EXPECT_NE(std::string(e.what()).find("ridge must be finite and >= 0"), std::string::npos);
  }
  AdamFit<Obj<E, 2>> fit(objective);
  OptimizerState wrong;
  wrong.method = "lbfgs";
  EXPECT_THROW(fit.restore(wrong), std::invalid_argument);
}

TYPED_TEST(GradientFit, BadOptionsAreRejected) { check_gradient_fit_errors<TypeParam>(); }

// Dyadic B-spline refinement is exact; other cases project by least squares.
template <class E>
void check_refinement() {
  using M = typename E::memory_space;
  auto points2 = random_matrix<E>(500, 2, -0.1, 1.1, 3);  // includes clamped points
  auto compare = [&](auto const& coarse, auto const& fine, double tolerance) {
    Matrix<E> a("a", 500, coarse.channels()), b("b", 500, coarse.channels());
    evaluate(E{}, coarse, points2, a);
    evaluate(E{}, fine, points2, b);
    EXPECT_LT(max_abs_difference(host_vector(a), host_vector(b)), tolerance);
  };
  auto coarse = random_grid<E, 2>({4, 1}, 2, Basis::bspline, 5);
  std::array<std::int64_t, 2> const target{13, 6};
  EXPECT_TRUE(refinement_is_exact(coarse, target));
  compare(coarse, refine(E{}, coarse, target), 1e-13);

  auto extended = random_grid<E, 2>({3, 2}, 1, Basis::bspline, 6);
  extended.set_boundary(Boundary::linear, Extrapolation::extend);
  compare(extended, refine(E{}, extended, {9, 3}), 1e-12);

  // Same space, non-exact path (mirror boundary): the projection recovers the field.
  auto mirror = random_grid<E, 2>({5, 4}, 1, Basis::bspline, 7);
  mirror.set_boundary(Boundary::mirror, Extrapolation::clamp);
  EXPECT_FALSE(refinement_is_exact(mirror, {5, 4}));
  compare(mirror, refine(E{}, mirror, {5, 4}), 1e-9);

  // Catmull-Rom to a finer grid: a close approximation of a smooth field.
  Grid<double, 1, M> smooth({5}, 1, Basis::catmull_rom);
  auto obs = radial<E, 1>(200, 8);
  fit_least_squares(E{}, smooth, obs);
  auto fine = refine(E{}, smooth, {17});
  Matrix<E> a("a", 200, 1), b("b", 200, 1);
  evaluate(E{}, smooth, obs.points, a);
  evaluate(E{}, fine, obs.points, b);
  EXPECT_LT(max_abs_difference(host_vector(a), host_vector(b)), 1e-3);
  EXPECT_FALSE(refinement_is_exact(smooth, {17}));
}

TYPED_TEST(GradientFit, CoarseToFineRefinement) { check_refinement<TypeParam>(); }

// A coarse fit refined exactly warm-starts a fine fit: fewer iterations to the same answer.
template <class E>
void check_warm_start() {
  auto obs = radial<E, 2>(20000, 21);
  Grid<double, 2, typename E::memory_space> coarse({5, 5}, 1);
  LeastSquaresOptions options;
  options.tolerance = 1e-10;
  options.penalty.smoothness = 1e-3;
  fit_least_squares(E{}, coarse, obs, options);
  auto warm = refine(E{}, coarse, {17, 17});
  Grid<double, 2, typename E::memory_space> cold({17, 17}, 1);
  FitReport const w = fit_least_squares(E{}, warm, obs, options);
  FitReport const c = fit_least_squares(E{}, cold, obs, options);
  EXPECT_LT(w.iterations, c.iterations);
  EXPECT_LT(max_abs_difference(host_vector(warm.control_points()), host_vector(cold.control_points())),
            1e-7);
}

TYPED_TEST(GradientFit, RefinementWarmStartsFineFits) { check_warm_start<TypeParam>(); }

}  // namespace
