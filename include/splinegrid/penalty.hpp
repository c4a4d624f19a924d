#ifndef SPLINEGRID_PENALTY_HPP
#define SPLINEGRID_PENALTY_HPP

/// @file
/// Smoothness and ridge penalties on the control points, for fitting:
///   R(c) = smoothness · sum_k ||D2_k c||^2 + ridge · ||c||^2
/// where D2_k takes second differences of the control points along axis k
/// (c[i-1] - 2 c[i] + c[i+1], interior i; periodic on Boundary::wrap axes), per
/// channel, in control-point index units (P-splines, Eilers & Marx 1996).
/// Its null space for smoothness > 0, ridge = 0: control points that are linear along
/// every axis (multilinear lattices), so the fitted field tends to a multilinear
/// function as smoothness -> infinity.

#include <splinegrid/compat.hpp>
#include <splinegrid/error.hpp>
#include <splinegrid/grid.hpp>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>

namespace splinegrid {

/// Weights of the penalty terms; both >= 0.
struct Penalty {
  double smoothness = 0.0;  ///< weight of sum_k ||D2_k c||^2
  double ridge = 0.0;       ///< weight of ||c||^2 (Tikhonov)

  /// True if any weight is non-zero.
  bool active() const { return smoothness != 0.0 || ridge != 0.0; }
};

namespace Impl {

template <int Dim>
struct LatticeShape {
  Kokkos::Array<std::int64_t, Dim> n;
  Kokkos::Array<std::int64_t, Dim> stride;
  Kokkos::Array<bool, Dim> periodic;
};

template <class GridType>
LatticeShape<GridType::dimension> lattice_shape(GridType const& grid) {
  constexpr int Dim = GridType::dimension;
  LatticeShape<Dim> s;
  std::int64_t stride = 1;
  for (int k = Dim - 1; k >= 0; --k) {
    s.n[k] = grid.resolution(k);
    s.stride[k] = stride;
    s.periodic[k] = grid.boundary(k).boundary == Boundary::wrap;
    stride *= s.n[k];
  }
  return s;
}

/// out(r, c) += (smoothness · sum_k D2_k^T D2_k + ridge · I) v, row r; or, with
/// Diagonal = true, out(r, c) += the diagonal of that matrix (v unused).
template <bool Diagonal, int Dim, class Input, class Output>
struct ApplyPenalty {
  using Scalar = typename Output::non_const_value_type;
  LatticeShape<Dim> shape;
  Scalar smoothness;
  Scalar ridge;
  Input v;
  Output out;

  // Coefficient of c[i] in the second difference centred at j, or 0 if j has none.
  KOKKOS_INLINE_FUNCTION static int coefficient(std::int64_t j, std::int64_t i, std::int64_t n,
                                                bool periodic) {
    if (n < 3) return 0;
    if (!periodic && (j < 1 || j > n - 2)) return 0;
    return j == i ? -2 : 1;
  }

  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    std::int64_t const channels = static_cast<std::int64_t>(out.extent(1));
    for (std::int64_t c = 0; c < channels; ++c) {
      Scalar acc = ridge * (Diagonal ? Scalar(1) : v(r, c));
      for (int k = 0; k < Dim; ++k) {
        std::int64_t const n = shape.n[k];
        std::int64_t const i = (r / shape.stride[k]) % n;
        bool const periodic = shape.periodic[k];
        for (std::int64_t j = i - 1; j <= i + 1; ++j) {
          int const a = coefficient(j, i, n, periodic);
          if (a == 0) continue;
          if (Diagonal) {
            acc += smoothness * Scalar(a * a);
            continue;
          }
          // Second difference centred at j (indices wrap only on periodic axes,
          // where j - 1 >= -2 and j + 1 <= n + 1).
          std::int64_t const base = r - i * shape.stride[k];
          auto at = [&](std::int64_t m) {
            m = m < 0 ? m + n : (m >= n ? m - n : m);
            return v(base + m * shape.stride[k], c);
          };
          Scalar const d = at(j - 1) - Scalar(2) * at(j) + at(j + 1);
          acc += smoothness * Scalar(a) * d;
        }
      }
      out(r, c) += acc;
    }
  }
};

template <bool Diagonal, class ExecutionSpace, class GridType, class Input, class Output>
void launch_penalty(ExecutionSpace const& exec, GridType const& grid, Penalty const& penalty,
                    Input const& v, Output const& out) {
  using Scalar = typename GridType::value_type;
  constexpr int Dim = GridType::dimension;
  if (!penalty.active()) return;
  Kokkos::parallel_for(
      "splinegrid::penalty",
      Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(
          exec, 0, grid.num_control_points()),
      ApplyPenalty<Diagonal, Dim, Input, Output>{lattice_shape(grid),
                                                 static_cast<Scalar>(penalty.smoothness),
                                                 static_cast<Scalar>(penalty.ridge), v, out});
}

}  // namespace Impl

/// Checks a Penalty's weights; `function` names the caller in the message.
inline void check_penalty(Penalty const& penalty, char const* function) {
  require(std::isfinite(penalty.smoothness) && penalty.smoothness >= 0, function,
          "penalty smoothness (lambda) must be finite and >= 0, got " +
              std::to_string(penalty.smoothness));
  require(std::isfinite(penalty.ridge) && penalty.ridge >= 0, function,
          "penalty ridge must be finite and >= 0, got " + std::to_string(penalty.ridge));
}

/// out += P v with P = smoothness · sum_k D2_k^T D2_k + ridge · I, so that the
/// penalty is R(c) = c^T P c and its gradient 2 P c. v and out have the grid's
/// control-point shape (rows, C). Asynchronous on `exec`.
template <class ExecutionSpace, class GridType, class Input, class Output>
void apply_penalty(ExecutionSpace const& exec, GridType const& grid, Penalty const& penalty,
                   Input const& v, Output const& out) {
  constexpr char const* fn = "splinegrid::apply_penalty";
  Compat::ScopedRegion region(fn);
  check_penalty(penalty, fn);
  require(static_cast<std::int64_t>(v.extent(0)) == grid.num_control_points() &&
              static_cast<std::int64_t>(out.extent(0)) == grid.num_control_points() &&
              static_cast<int>(v.extent(1)) == grid.channels() &&
              static_cast<int>(out.extent(1)) == grid.channels(),
          fn, "v and out must have the grid's control-point extents (rows, C)");
  Impl::launch_penalty<false>(exec, grid, penalty, v, out);
}

}  // namespace splinegrid

#endif
