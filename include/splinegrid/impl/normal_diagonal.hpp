#ifndef SPLINEGRID_IMPL_NORMAL_DIAGONAL_HPP
#define SPLINEGRID_IMPL_NORMAL_DIAGONAL_HPP

/// @file
/// Diagonal of the data term A^T W A of a least-squares fit, for the Jacobi
/// preconditioner: diag(r) = sum_i w_i sum over taps at row r of (prod_k w_k)^2,
/// through the same stencils and contraction as evaluate() and adjoint(). Exact
/// where a point's taps reach distinct rows (every boundary except wrap/mirror/
/// reflect axes shorter than four control points, where taps can repeat a row and
/// this is an SPD approximation — still a valid preconditioner).
///
/// Contributions are accumulated as 64-bit fixed-point integers, whose sums do not
/// depend on the order of the atomic additions: the diagonal, and so every CG
/// iterate, is bitwise reproducible on every backend and thread count.

#include <splinegrid/impl/contract.hpp>
#include <splinegrid/impl/fit_kernels.hpp>
#include <splinegrid/impl/kernel_variant.hpp>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <string>

namespace splinegrid::Impl {

template <class Variant, class EvaluatorType, class Points, class Weights, class Diagonal>
struct NormalDiagonal {
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Weights weights;  // (N) or empty for unit weights
  Diagonal diagonal;  // (rows) unsigned long long, fixed point
  double scale;       // fixed-point units per unit

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
    AxisStencil<Scalar, 0> st[Dim];
    eval.template stencils<0, Variant>(x, st);
    for (int k = 0; k < Dim; ++k)
      for (int j = 0; j < 4; ++j) st[k].w[0][j] *= st[k].w[0][j];
    Scalar const wi = weight_of(weights, i);
    Diagonal const diag = diagonal;
    auto add = [&](std::int64_t row, Scalar weight) {
      Kokkos::atomic_add(&diag(row),
                         static_cast<unsigned long long>(double(wi * weight) * scale + 0.5));
    };
    for_each_tap<0, Dim>(st, 0, Scalar(1), add);
  }
};

template <class Fixed, class Output>
struct FixedToFloating {
  Fixed fixed;
  Output out;
  double scale;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    out(r) = static_cast<typename Output::non_const_value_type>(double(fixed(r)) / scale);
  }
};

/// diagonal(r) = diag(A^T W A)(r) of this process' points; fences exec.
template <class ExecutionSpace, class EvaluatorType, class Points, class Weights, class Output>
void normal_diagonal(ExecutionSpace const& exec, EvaluatorType const& eval, Points const& points,
                     Weights const& weights, Output const& diagonal) {
  using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  // A row's sum is at most N · max weight · prod_k (largest squared tap weight of
  // axis k), and folded ghost weights stay below 16 in magnitude (256 squared): the
  // scale keeps that bound below 2^61.
  double max_weight = 1;
  if (weights.extent(0) != 0)
    Kokkos::parallel_reduce("splinegrid::normal_diagonal::max_weight", Policy(exec, 0, n),
                            KOKKOS_LAMBDA(std::int64_t i, double& m) {
                              m = m > double(weights(i)) ? m : double(weights(i));
                            },
                            Kokkos::Max<double>(max_weight));
  double bound = (n > 0 ? double(n) : 1.0) * (max_weight > 0 ? max_weight : 1.0);
  for (int k = 0; k < EvaluatorType::dimension; ++k) bound *= 256.0;
  double const scale = std::ldexp(1.0, 62 - std::ilogb(bound) - 1);
  Kokkos::View<unsigned long long*, typename Output::memory_space> fixed(
      Kokkos::view_alloc(exec, std::string("splinegrid::normal_diagonal")), diagonal.extent(0));
  Policy const policy(exec, 0, n);
  with_kernel_variant(eval, [&](auto variant) {
    using Kernel = NormalDiagonal<decltype(variant), EvaluatorType, Points, Weights, decltype(fixed)>;
    Kokkos::parallel_for("splinegrid::normal_diagonal", policy,
                         Kernel{eval, points, weights, fixed, scale});
  });
  Kokkos::parallel_for("splinegrid::normal_diagonal::convert",
                       Policy(exec, 0, static_cast<std::int64_t>(diagonal.extent(0))),
                       FixedToFloating<decltype(fixed), Output>{fixed, diagonal, scale});
  exec.fence();
}

}  // namespace splinegrid::Impl

#endif
