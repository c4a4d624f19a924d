#ifndef SPLINEGRID_IMPL_LINE_SOLVER_HPP
#define SPLINEGRID_IMPL_LINE_SOLVER_HPP

/// @file
/// Interpolating cubic B-spline along one axis: solve (c[m-1] + 4c[m] + c[m+1])/6 = d[m]
/// for the coefficients c of a line of samples d, the ghosts c[-1], c[n] given by
/// the axis' Boundary, and its transpose.
///
/// Method (exact for every boundary, O(n) per line, in place):
/// 1. a particular solution of the interior rows by the Unser/Thévenaz recursive
///    filter (pole z = sqrt(3)-2, gain 6): causal c+[k] = d[k] + z c+[k-1],
///    anticausal c-[k] = z (c-[k+1] - c+[k]), c_p = 6 c-;
/// 2. the interior rows' homogeneous solutions z^m and z^(n-1-m) are added to satisfy
///    the two boundary rows (row 0 and row n-1 with the ghosts folded by the same
///    rules the evaluator uses), a 2x2 solve whose inverse is precomputed.
/// The transpose runs the same steps backwards, which is the adjoint of the
/// construction (dL/dsamples from dL/dcoefficients).

#include <splinegrid/error.hpp>
#include <splinegrid/impl/axis_stencil.hpp>

#include <cmath>
#include <cstdint>
#include <map>

namespace splinegrid::Impl {

/// Precomputed boundary data of one axis' line solve.
template <class Scalar>
struct LineSolver {
  std::int64_t n = 1;
  Scalar kappa = 1;  ///< n = 1: c0 = kappa d0
  /// Boundary row b (0: row 0, 1: row n-1) as a functional on c: sum coef * c[index].
  std::int64_t row_index[2][4] = {};
  Scalar row_coef[2][4] = {};
  int row_count[2] = {0, 0};
  /// Inverse of G[b][a] = row_b(h_a), h_0 = z^m, h_1 = z^(n-1-m).
  Scalar g_inverse[2][2] = {};
};

/// Row m (0 or n-1) of the interpolation matrix 6A (c[m-1] + 4c[m] + c[m+1]) with
/// ghosts folded, as (control index -> coefficient); computed in double.
inline std::map<std::int64_t, double> boundary_row(Axis<double> const& axis, std::int64_t m) {
  std::map<std::int64_t, double> row;
  std::int64_t const n = axis.n;
  double const weight[3] = {1.0, 4.0, 1.0};
  for (int o = 0; o < 3; ++o) {
    std::int64_t const v = m - 1 + o;
    if (v >= 0 && v < n) {
      row[v] += weight[o];
    } else if (is_index_mapped(axis.boundary)) {
      row[map_index(axis.boundary, n, v)] += weight[o];
    } else {
      bool const lower = v < 0;
      double a[4];
      ghost_coefficients(axis.boundary, n, lower ? -v : v - (n - 1), a);
      for (std::int64_t q = 0; q < 4 && q < n; ++q) row[lower ? q : n - 1 - q] += weight[o] * a[q];
    }
  }
  return row;
}

/// Builds the line solver of an axis (any Scalar; the setup is done in double).
template <class Scalar>
LineSolver<Scalar> make_line_solver(Axis<Scalar> const& a) {
  Axis<double> axis{a.n, a.stride, double(a.lo), double(a.hi), double(a.scale), a.boundary,
                    a.extrapolation};
  LineSolver<Scalar> s;
  s.n = axis.n;
  if (axis.n == 1) {
    s.kappa = Scalar(6.0 / boundary_row(axis, 0)[0]);
    return s;
  }
  double const z = bspline_pole<double>();
  double g[2][2];
  for (int b = 0; b < 2; ++b) {
    auto const row = boundary_row(axis, b == 0 ? 0 : axis.n - 1);
    require(row.size() <= 4, "splinegrid::interpolate", "internal: boundary row too wide");
    int count = 0;
    g[b][0] = g[b][1] = 0;
    for (auto const& [index, coef] : row) {
      s.row_index[b][count] = index;
      s.row_coef[b][count] = Scalar(coef);
      ++count;
      g[b][0] += coef * std::pow(z, double(index));
      g[b][1] += coef * std::pow(z, double(axis.n - 1 - index));
    }
    s.row_count[b] = count;
  }
  double const det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
  require(std::fabs(det) > 1e-300, "splinegrid::interpolate",
          std::string("boundary ") + to_string(axis.boundary) + " with n = " +
              std::to_string(axis.n) + " has no interpolating spline");
  s.g_inverse[0][0] = Scalar(g[1][1] / det);
  s.g_inverse[0][1] = Scalar(-g[0][1] / det);
  s.g_inverse[1][0] = Scalar(-g[1][0] / det);
  s.g_inverse[1][1] = Scalar(g[0][0] / det);
  return s;
}

/// Solves one line in place: on entry line(m) = d[m], on exit line(m) = c[m].
template <class Scalar, class Line>
KOKKOS_INLINE_FUNCTION void solve_line(LineSolver<Scalar> const& s, Line const& line) {
  std::int64_t const n = s.n;
  if (n == 1) {
    line(0) *= s.kappa;
    return;
  }
  Scalar const z = bspline_pole<Scalar>();
  Scalar const d_first = line(0), d_last = line(n - 1);
  for (std::int64_t k = 1; k < n; ++k) line(k) += z * line(k - 1);
  line(n - 1) *= z / (z * z - Scalar(1));
  for (std::int64_t k = n - 2; k >= 0; --k) line(k) = z * (line(k + 1) - line(k));
  for (std::int64_t k = 0; k < n; ++k) line(k) *= Scalar(6);
  // Residuals of the two boundary rows, then the homogeneous correction.
  Scalar r[2] = {Scalar(6) * d_first, Scalar(6) * d_last};
  for (int b = 0; b < 2; ++b)
    for (int q = 0; q < s.row_count[b]; ++q) r[b] -= s.row_coef[b][q] * line(s.row_index[b][q]);
  Scalar const alpha = s.g_inverse[0][0] * r[0] + s.g_inverse[0][1] * r[1];
  Scalar const beta = s.g_inverse[1][0] * r[0] + s.g_inverse[1][1] * r[1];
  Scalar p = Scalar(1);
  for (std::int64_t k = 0; k < n; ++k, p *= z) {
    line(k) += alpha * p;
    line(n - 1 - k) += beta * p;
  }
}

/// Transpose of solve_line, in place: on entry dL/dc, on exit dL/dd.
template <class Scalar, class Line>
KOKKOS_INLINE_FUNCTION void solve_line_transpose(LineSolver<Scalar> const& s, Line const& line) {
  std::int64_t const n = s.n;
  if (n == 1) {
    line(0) *= s.kappa;
    return;
  }
  Scalar const z = bspline_pole<Scalar>();
  Scalar ga = Scalar(0), gb = Scalar(0);
  Scalar p = Scalar(1);
  for (std::int64_t k = 0; k < n; ++k, p *= z) {
    ga += p * line(k);
    gb += p * line(n - 1 - k);
  }
  Scalar const r0 = s.g_inverse[0][0] * ga + s.g_inverse[1][0] * gb;
  Scalar const r1 = s.g_inverse[0][1] * ga + s.g_inverse[1][1] * gb;
  Scalar const r[2] = {r0, r1};
  for (int b = 0; b < 2; ++b)
    for (int q = 0; q < s.row_count[b]; ++q) line(s.row_index[b][q]) -= r[b] * s.row_coef[b][q];
  for (std::int64_t k = 0; k < n; ++k) line(k) *= Scalar(6);
  for (std::int64_t k = 0; k + 1 < n; ++k) {
    Scalar const cm = line(k);
    line(k) = -z * cm;
    line(k + 1) += z * cm;
  }
  line(n - 1) *= z / (z * z - Scalar(1));
  for (std::int64_t k = n - 1; k >= 1; --k) line(k - 1) += z * line(k);
  line(0) += Scalar(6) * r0;
  line(n - 1) += Scalar(6) * r1;
}

}  // namespace splinegrid::Impl

#endif
