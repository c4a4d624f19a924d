#ifndef SPLINEGRID_IMPL_FIT_KERNELS_HPP
#define SPLINEGRID_IMPL_FIT_KERNELS_HPP

/// @file
/// Small per-observation and per-control-point kernels of the fitting code:
/// weighting, loss reduction, mini-batch gathers, the Adam update, finiteness checks.

#include <splinegrid/compat.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

template <class ExecutionSpace>
using FitPolicy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;

/// Weight of observation i: weights(i), or 1 when `weights` is empty.
template <class Weights>
KOKKOS_INLINE_FUNCTION typename Weights::non_const_value_type weight_of(Weights const& weights,
                                                                        std::int64_t i) {
  using Scalar = typename Weights::non_const_value_type;
  return weights.extent(0) == 0 ? Scalar(1) : weights(i);
}

/// m(i, c) = w_i (m(i, c) - offset(i, c)); empty weights mean 1, empty offset 0.
template <class Matrix, class Offset, class Weights>
struct WeightRows {
  Matrix m;
  Offset offset;
  Weights weights;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    using Scalar = typename Matrix::non_const_value_type;
    Scalar const w = weight_of(weights, i);
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(m.extent(1)); ++c)
      m(i, c) = w * (m(i, c) - (offset.extent(0) == 0 ? Scalar(0) : offset(i, c)));
  }
};

/// Loss of one batch: sum_i w_i sum_c loss(pred, target); pred is overwritten by
/// scale · w_i · dloss/dvalue (the values' gradient, ready for adjoint()).
template <class Loss, class Matrix, class Targets, class Weights>
struct LossAndGradient {
  using Scalar = typename Matrix::non_const_value_type;
  Loss loss;
  Matrix pred;
  Targets targets;
  Weights weights;
  Scalar scale;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i, double& sum) const {
    Scalar const w = weight_of(weights, i);
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(pred.extent(1)); ++c) {
      Scalar g;
      Scalar const l = loss(pred(i, c), targets(i, c), g);
      sum += double(w) * double(l);
      pred(i, c) = scale * w * g;
    }
  }
};

/// dst(b, :) = src(index(b), :) for rank-2 views, dst(b) = src(index(b)) for rank 1.
template <class Index, class Source, class Destination>
struct GatherRows {
  Index index;
  Source src;
  Destination dst;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t b) const {
    if constexpr (Destination::rank == 1) {
      dst(b) = src(index(b));
    } else {
      for (std::int64_t j = 0; j < static_cast<std::int64_t>(dst.extent(1)); ++j)
        dst(b, j) = src(index(b), j);
    }
  }
};

/// One Adam step on every control-point scalar (Kingma & Ba 2015, bias-corrected).
template <class Matrix>
struct AdamUpdate {
  using Scalar = typename Matrix::non_const_value_type;
  Matrix x, g, m, v;
  Scalar rate, beta1, beta2, epsilon, correction1, correction2;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(x.extent(1)); ++c) {
      Scalar const gi = g(r, c);
      m(r, c) = beta1 * m(r, c) + (Scalar(1) - beta1) * gi;
      v(r, c) = beta2 * v(r, c) + (Scalar(1) - beta2) * gi * gi;
      Scalar const mhat = m(r, c) / correction1;
      Scalar const vhat = v(r, c) / correction2;
      x(r, c) -= rate * mhat / (Compat::sqrt(vhat) + epsilon);
    }
  }
};

/// inverse(r, c) = 1 / (data(r) + inverse(r, c)) where that sum is > 0, else 1 (or
/// its square root): preconditioner scalings from the data and penalty diagonals.
template <class Vector, class Matrix>
struct InvertDiagonal {
  Vector data;
  Matrix inverse;
  bool square_root;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    using Scalar = typename Matrix::non_const_value_type;
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(inverse.extent(1)); ++c) {
      Scalar const d = data(r) + inverse(r, c);
      Scalar const e = square_root ? Compat::sqrt(d) : d;
      inverse(r, c) = d > Scalar(0) ? Scalar(1) / e : Scalar(1);
    }
  }
};

/// Counts entries that are not finite (rank 1 or 2), or negative if `negative`.
template <class ViewType>
struct CountBad {
  ViewType v;
  bool negative;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i, std::int64_t& bad) const {
    if constexpr (ViewType::rank == 1) {
      bad += !Compat::isfinite(v(i)) || (negative && v(i) < 0);
    } else {
      for (std::int64_t j = 0; j < static_cast<std::int64_t>(v.extent(1)); ++j)
        bad += !Compat::isfinite(v(i, j));
    }
  }
};

template <class ExecutionSpace, class ViewType>
std::int64_t count_bad(ExecutionSpace const& exec, ViewType const& v, bool negative = false) {
  std::int64_t bad = 0;
  Kokkos::parallel_reduce("splinegrid::count_nonfinite",
                          FitPolicy<ExecutionSpace>(exec, 0, static_cast<std::int64_t>(v.extent(0))),
                          CountBad<ViewType>{v, negative}, bad);
  return bad;
}

}  // namespace splinegrid::Impl

#endif
