#ifndef SPLINEGRID_LOSS_HPP
#define SPLINEGRID_LOSS_HPP

/// @file
/// Per-value losses for gradient-based fitting. A loss is a device-callable functor
///   Scalar operator()(Scalar value, Scalar target, Scalar& dloss_dvalue) const
/// returning the loss of one channel value against its target and writing its
/// derivative with respect to the value. Write your own the same way.

#include <splinegrid/compat.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid {

/// (value - target)^2: with it, the gradient fitters minimise the same objective as
/// fit_least_squares().
struct SquaredLoss {
  /// Loss of `value` against `target`; `grad` = its derivative in `value`.
  template <class Scalar>
  KOKKOS_INLINE_FUNCTION Scalar operator()(Scalar value, Scalar target, Scalar& grad) const {
    Scalar const r = value - target;
    grad = Scalar(2) * r;
    return r * r;
  }
};

/// Huber's robust loss scaled to match SquaredLoss near 0: r^2 for |r| <= delta,
/// 2 delta |r| - delta^2 beyond (linear growth: outliers pull with bounded force).
struct HuberLoss {
  double delta = 1.0;  ///< where the quadratic part ends
  /// Loss of `value` against `target`; `grad` = its derivative in `value`.
  template <class Scalar>
  KOKKOS_INLINE_FUNCTION Scalar operator()(Scalar value, Scalar target, Scalar& grad) const {
    Scalar const r = value - target;
    Scalar const d = static_cast<Scalar>(delta);
    if (Compat::fabs(r) <= d) {
      grad = Scalar(2) * r;
      return r * r;
    }
    grad = r > Scalar(0) ? Scalar(2) * d : Scalar(-2) * d;
    return Scalar(2) * d * Compat::fabs(r) - d * d;
  }
};

}  // namespace splinegrid

#endif
