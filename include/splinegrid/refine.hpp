#ifndef SPLINEGRID_REFINE_HPP
#define SPLINEGRID_REFINE_HPP

/// @file
/// Coarse-to-fine: a grid of a finer resolution representing the same field, to
/// warm-start a fine fit from a coarse one.
///
/// Exact (the refined grid evaluates to the same field up to rounding) for B-spline
/// grids whose axes all use Boundary::linear, when every axis keeps its resolution,
/// goes from 1 control point to any number (a constant), or is refined dyadically:
/// n_fine - 1 = 2^j (n_coarse - 1). Each halving is the cubic B-spline subdivision
/// rule (Lane & Riesenfeld 1980): new even points (c[i-1] + 6 c[i] + c[i+1]) / 8,
/// new odd points (c[i] + c[i+1]) / 2, with the axis' linear ghosts c[-1] = 2c[0] - c[1]
/// — which are exactly the refined grid's own ghosts, so the ends are exact too.
/// Every other case is a least-squares projection: the coarse field sampled at the
/// fine knots and two points inside every fine interval per axis, fitted with
/// fit_least_squares() (relative residual 1e-12).

#include <splinegrid/evaluate.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/least_squares.hpp>

#include <Kokkos_Core.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace splinegrid {

namespace Impl {

/// out = in subdivided once along `axis` (m = 2n - 1 points there), or replicated
/// from a single point (n = 1, any m). `inner` is the product of the resolutions of
/// the axes after `axis`.
template <class Matrix>
struct SubdivideAxis {
  Matrix in, out;
  std::int64_t n, m, inner;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    using Scalar = typename Matrix::non_const_value_type;
    std::int64_t const j = (r / inner) % m;
    std::int64_t const outer = r / (inner * m);
    std::int64_t const rest = r % inner;
    auto at = [&](std::int64_t i, std::int64_t c) {
      // Linear ghosts beyond both ends.
      if (i < 0) return Scalar(2) * in((outer * n + 0) * inner + rest, c) - in((outer * n + 1) * inner + rest, c);
      if (i >= n)
        return Scalar(2) * in((outer * n + n - 1) * inner + rest, c) -
               in((outer * n + n - 2) * inner + rest, c);
      return in((outer * n + i) * inner + rest, c);
    };
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(out.extent(1)); ++c) {
      if (n == 1) {
        out(r, c) = in(outer * inner + rest, c);
      } else if (j % 2 == 0) {
        std::int64_t const i = j / 2;
        out(r, c) = (at(i - 1, c) + Scalar(6) * at(i, c) + at(i + 1, c)) / Scalar(8);
      } else {
        std::int64_t const i = j / 2;
        out(r, c) = (at(i, c) + at(i + 1, c)) / Scalar(2);
      }
    }
  }
};

/// Number of halvings from n to m (n_fine - 1 = 2^j (n - 1)), or -1 if not dyadic.
inline int dyadic_steps(std::int64_t n, std::int64_t m) {
  if (n < 2 || m < n) return -1;
  int steps = 0;
  while (n < m) {
    n = 2 * n - 1;
    ++steps;
  }
  return n == m ? steps : -1;
}

/// Fills the (rows, Dim) lattice of projection sample points of `grid`.
template <class Scalar, int Dim, class MemorySpace>
Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> projection_points(
    Grid<Scalar, Dim, MemorySpace> const& fine) {
  std::array<std::int64_t, Dim> count;
  std::int64_t total = 1;
  for (int k = 0; k < Dim; ++k) {
    count[k] = fine.resolution(k) == 1 ? 3 : 3 * (fine.resolution(k) - 1) + 1;
    total *= count[k];
  }
  Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> points(
      std::string("splinegrid::refine::points"), total, Dim);
  auto host = Kokkos::create_mirror_view(points);
  for (std::int64_t p = 0; p < total; ++p) {
    std::int64_t rest = p;
    for (int k = Dim - 1; k >= 0; --k) {
      std::int64_t const q = rest % count[k];
      rest /= count[k];
      double const lo = fine.domain().lo[k], hi = fine.domain().hi[k];
      host(p, k) = static_cast<Scalar>(lo + (hi - lo) * double(q) / double(count[k] - 1));
    }
  }
  Kokkos::deep_copy(points, host);
  return points;
}

}  // namespace Impl

/// True if refine(coarse, resolution) is exact (see the file comment).
template <class Scalar, int Dim, class MemorySpace>
bool refinement_is_exact(Grid<Scalar, Dim, MemorySpace> const& coarse,
                         typename Grid<Scalar, Dim, MemorySpace>::resolution_type const& resolution) {
  if (coarse.basis() != Basis::bspline) return false;
  for (int k = 0; k < Dim; ++k) {
    std::int64_t const n = coarse.resolution(k), m = resolution[k];
    if (coarse.boundary(k).boundary != Boundary::linear) return false;
    if (n != m && n != 1 && Impl::dyadic_steps(n, m) < 0) return false;
  }
  return true;
}

/// A grid of resolution `resolution` (each >= 1) with the coarse grid's channels,
/// basis, domain, boundaries and fill value, representing the coarse field: exactly
/// where refinement_is_exact(), by least-squares projection otherwise.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value, Grid<Scalar, Dim, MemorySpace>>
refine(ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& coarse,
       typename Grid<Scalar, Dim, MemorySpace>::resolution_type const& resolution) {
  constexpr char const* fn = "splinegrid::refine";
  Compat::ScopedRegion region(fn);
  using GridType = Grid<Scalar, Dim, MemorySpace>;
  GridType fine(resolution, coarse.channels(), coarse.basis(), coarse.domain());
  for (int k = 0; k < Dim; ++k)
    fine.set_boundary(k, coarse.boundary(k).boundary, coarse.boundary(k).extrapolation);
  fine.set_fill_value(coarse.fill_value());

  if (refinement_is_exact(coarse, resolution)) {
    using Matrix = typename GridType::control_points_type;
    Matrix current = coarse.control_points();
    std::array<std::int64_t, Dim> shape = coarse.resolution();
    for (int k = 0; k < Dim; ++k) {
      std::int64_t inner = 1;
      for (int l = k + 1; l < Dim; ++l) inner *= shape[l];
      while (shape[k] != resolution[k]) {
        std::int64_t const n = shape[k];
        std::int64_t const m = n == 1 ? resolution[k] : 2 * n - 1;
        std::int64_t const rows = static_cast<std::int64_t>(current.extent(0)) / n * m;
        Matrix next(Kokkos::view_alloc(exec, std::string("splinegrid::refine::level")), rows,
                    coarse.channels());
        Kokkos::parallel_for("splinegrid::refine::subdivide",
                             Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
                                 exec, 0, rows),
                             Impl::SubdivideAxis<Matrix>{current, next, n, m, inner});
        current = next;
        shape[k] = m;
      }
    }
    Kokkos::deep_copy(exec, fine.control_points(), current);
    exec.fence();
    return fine;
  }

  Observations<Scalar, Dim, MemorySpace> samples;
  samples.points = Impl::projection_points(fine);
  samples.values = typename Observations<Scalar, Dim, MemorySpace>::matrix_type(
      std::string("splinegrid::refine::values"), samples.points.extent(0), coarse.channels());
  evaluate(exec, coarse, samples.points, samples.values);
  exec.fence();
  LeastSquaresOptions options;
  options.tolerance = std::is_same<Scalar, float>::value ? 1e-6 : 1e-12;
  options.max_iterations = 10000;
  fit_least_squares(exec, fine, samples, options);
  return fine;
}

/// refine() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace>
Grid<Scalar, Dim, MemorySpace> refine(
    Grid<Scalar, Dim, MemorySpace> const& coarse,
    typename Grid<Scalar, Dim, MemorySpace>::resolution_type const& resolution) {
  return refine(typename MemorySpace::execution_space{}, coarse, resolution);
}

}  // namespace splinegrid

#endif
