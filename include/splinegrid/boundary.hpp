#ifndef SPLINEGRID_BOUNDARY_HPP
#define SPLINEGRID_BOUNDARY_HPP

/// @file
/// Per-axis boundary handling: how control points continue past the ends of an axis
/// (ghost rule) and what happens to coordinates outside the domain.

#include <stdexcept>
#include <string>

namespace splinegrid {

/// How the control points of an axis continue beyond its ends. The cubic on an
/// interval uses one control point on each side of it, so the ends need a rule.
enum class Boundary {
  /// torch-cubic-spline-grids' rule: one ghost by linear extrapolation,
  /// c[-1] = 2c[0] - c[1], c[n] = 2c[n-1] - c[n-2]. For a B-spline it makes the
  /// curve "natural" (zero second derivative) at both ends, so interpolate() with
  /// this boundary builds the natural cubic spline.
  linear,
  /// Alias of linear: the natural cubic spline's B-spline coefficients.
  natural = linear,
  /// Not-a-knot end conditions (third derivative continuous at the second and the
  /// penultimate knot); n = 3 is the single parabola, n = 2 a line.
  not_a_knot,
  /// scipy.ndimage "mirror": whole-sample symmetric, d c b | a b c d | c b a.
  mirror,
  /// scipy.ndimage "reflect": half-sample symmetric, d c b a | a b c d | d c b a.
  reflect,
  /// scipy.ndimage "grid-wrap": periodic with period n (a periodic axis).
  wrap,
  /// scipy.ndimage "nearest": the samples continue as the edge sample,
  /// a a a | a b c d | d d d; the coefficients continue as
  /// c[-k] = d0 + z^k (c0 - d0), z = sqrt(3) - 2.
  nearest,
  /// scipy.ndimage "grid-constant" with cval 0: the samples continue as zeros;
  /// the coefficients as c[-k] = z^k c0.
  grid_constant
};

/// What a coordinate outside the domain [lo, hi] of an axis evaluates to.
enum class Extrapolation {
  /// Clamp the coordinate to the domain (torch-cubic-spline-grids); derivatives
  /// along the axis are 0 outside.
  clamp,
  /// Evaluate the extended spline: by the boundary's extension of the control
  /// points for mirror, reflect, wrap, nearest and grid_constant (as scipy.ndimage),
  /// by the polynomial of the end interval for linear/natural and not_a_knot (as
  /// scipy.interpolate.CubicSpline).
  extend,
  /// The grid's fill value (Grid::fill_value, default 0) with zero derivatives;
  /// scipy.ndimage's "constant" mode is Boundary::mirror with this.
  fill
};

/// Boundary handling of one axis.
struct AxisBoundary {
  Boundary boundary = Boundary::linear;                ///< ghost rule at both ends
  Extrapolation extrapolation = Extrapolation::clamp;  ///< coordinates outside the domain
};

/// Name of a boundary ("linear", "not_a_knot", "mirror", "reflect", "wrap",
/// "nearest", "grid_constant").
inline char const* to_string(Boundary b) {
  switch (b) {
    case Boundary::linear: return "linear";
    case Boundary::not_a_knot: return "not_a_knot";
    case Boundary::mirror: return "mirror";
    case Boundary::reflect: return "reflect";
    case Boundary::wrap: return "wrap";
    case Boundary::nearest: return "nearest";
    case Boundary::grid_constant: return "grid_constant";
  }
  return "unknown";
}

/// Name of an extrapolation policy ("clamp", "extend", "fill").
inline char const* to_string(Extrapolation e) {
  switch (e) {
    case Extrapolation::clamp: return "clamp";
    case Extrapolation::extend: return "extend";
    case Extrapolation::fill: return "fill";
  }
  return "unknown";
}

/// Parses a boundary name (to_string's, plus "natural"); throws std::invalid_argument.
inline Boundary boundary_from_string(std::string const& name) {
  for (Boundary b : {Boundary::linear, Boundary::not_a_knot, Boundary::mirror, Boundary::reflect,
                     Boundary::wrap, Boundary::nearest, Boundary::grid_constant})
    if (name == to_string(b)) return b;
  if (name == "natural") return Boundary::natural;
  throw std::invalid_argument("splinegrid::boundary_from_string: unknown boundary '" + name + "'");
}

/// Parses an extrapolation name (to_string's); throws std::invalid_argument.
inline Extrapolation extrapolation_from_string(std::string const& name) {
  for (Extrapolation e : {Extrapolation::clamp, Extrapolation::extend, Extrapolation::fill})
    if (name == to_string(e)) return e;
  throw std::invalid_argument("splinegrid::extrapolation_from_string: unknown extrapolation '" +
                              name + "'");
}

}  // namespace splinegrid

#endif
