#ifndef SPLINEGRID_FIT_HELPERS_HPP
#define SPLINEGRID_FIT_HELPERS_HPP

// Observation sets shared by the fitting tests.

#include "test_spaces.hpp"

#include <cmath>

namespace splinegrid::test {

template <class E, int Dim>
using Obs = Observations<double, Dim, typename E::memory_space>;

/// N random points in the unit box and the values of `grid` there.
template <class E, int Dim>
Obs<E, Dim> samples_of(Grid<double, Dim, typename E::memory_space> const& grid, std::int64_t n,
                       std::uint64_t seed) {
  Obs<E, Dim> obs;
  obs.points = random_matrix<E>(n, Dim, 0, 1, seed);
  obs.values = typename Obs<E, Dim>::matrix_type("values", n, grid.channels());
  evaluate(E{}, grid, obs.points, obs.values);
  E{}.fence();
  return obs;
}

/// Samples of sin(2 pi x) + uniform noise in [-0.2, 0.2) (1D), and the truth.
template <class E>
Obs<E, 1> noisy_sine(std::int64_t n, Matrix<E>& truth) {
  Obs<E, 1> obs;
  obs.points = random_matrix<E>(n, 1, 0, 1, 121);
  auto noise = random_matrix<E>(n, 1, -0.2, 0.2, 122);
  truth = Matrix<E>("truth", n, 1);
  obs.values = Matrix<E>("y", n, 1);
  auto x = obs.points, y = obs.values;
  auto t = truth;
  Kokkos::parallel_for("test::sine", Kokkos::RangePolicy<E>(0, n), KOKKOS_LAMBDA(int i) {
    t(i, 0) = Compat::sin(2 * 3.14159265358979323846 * x(i, 0));
    y(i, 0) = t(i, 0) + noise(i, 0);
  });
  E{}.fence();
  return obs;
}

/// Samples of exp(-|x - 0.5|^2) in the unit box.
template <class E, int Dim>
Obs<E, Dim> radial(std::int64_t n, std::uint64_t seed) {
  Obs<E, Dim> obs;
  obs.points = random_matrix<E>(n, Dim, 0, 1, seed);
  obs.values = Matrix<E>("y", n, 1);
  auto x = obs.points, y = obs.values;
  Kokkos::parallel_for("test::radial", Kokkos::RangePolicy<E>(0, n), KOKKOS_LAMBDA(int i) {
    double r2 = 0;
    for (int k = 0; k < Dim; ++k) r2 += (x(i, k) - 0.5) * (x(i, k) - 0.5);
    y(i, 0) = Compat::exp(-r2);
  });
  E{}.fence();
  return obs;
}

/// Mean absolute difference between the grid at `points` and `reference`.
template <class E, int Dim>
double mean_abs_error(Grid<double, Dim, typename E::memory_space> const& grid,
                      Matrix<E> const& points, Matrix<E> const& reference) {
  Matrix<E> pred("pred", points.extent(0), grid.channels());
  evaluate(E{}, grid, points, pred);
  auto const p = host_vector(pred), r = host_vector(reference);
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += std::fabs(p[i] - r[i]);
  return sum / double(p.size());
}

/// The seed's radial example: 4000 samples of exp(-|x - 1/2|^2) fitted on 3-point
/// grids in 2D, 3D and 4D by fit(grid, observations); each mean absolute error < 0.02.
template <class E, class Fit>
void check_radial_seed_examples(Fit const& fit) {
  auto one = [&](auto dim) {
    constexpr int Dim = decltype(dim)::value;
    auto obs = radial<E, Dim>(4000, 131 + Dim);
    std::array<std::int64_t, Dim> res;
    res.fill(3);
    Grid<double, Dim, typename E::memory_space> g(res, 1);
    fit(g, obs);
    EXPECT_LT((mean_abs_error<E, Dim>(g, obs.points, obs.values)), 0.02) << Dim << "D";
  };
  one(std::integral_constant<int, 2>{});
  one(std::integral_constant<int, 3>{});
  one(std::integral_constant<int, 4>{});
}

/// max_i |a_i - b_i|.
inline double max_abs_difference(std::vector<double> const& a, std::vector<double> const& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::fmax(m, std::fabs(a[i] - b[i]));
  return a.size() == b.size() ? m : INFINITY;
}

}  // namespace splinegrid::test

#endif
