#ifndef SPLINEGRID_IMPL_TENSOR_PRECONDITIONER_HPP
#define SPLINEGRID_IMPL_TENSOR_PRECONDITIONER_HPP

/// @file
/// Tensor-product preconditioner for least-squares fits. For observations spread
/// evenly over the domain, A^T W A is close to a multiple of G_0 ⊗ ... ⊗ G_{D-1},
/// G_k the Gram matrix of axis k's basis functions (boundary rules included).
/// The preconditioner is M = S (⊗ Ĝ_k) S with Ĝ_k = G_k scaled to unit diagonal and
/// S = diag(A^T W A + P)^(1/2), so it adapts to uneven densities and weights like
/// Jacobi while capturing the coupling of neighbouring control points. M^-1 applies
/// Ĝ_k^-1 along each axis in turn with banded Cholesky factors (in place, O(band)
/// per control point and axis).

#include <splinegrid/error.hpp>
#include <splinegrid/impl/axis_stencil.hpp>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace splinegrid::Impl {

/// Gram matrix of one axis' basis functions over its domain (pixel units), by
/// 4-point Gauss-Legendre quadrature per interval (exact for the degree-6
/// products), through make_axis_stencil: row-major n x n.
template <class Scalar>
std::vector<double> axis_gram(BasisMatrix<Scalar> const& m, Axis<Scalar> axis) {
  std::int64_t const n = axis.n;
  std::vector<double> g(static_cast<std::size_t>(n * n), 0.0);
  if (n == 1) {
    g[0] = 1;
    return g;
  }
  axis.extrapolation = Extrapolation::clamp;
  double const nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563,
                           0.8611363115940526};
  double const weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461,
                             0.3478548451374538};
  for (std::int64_t i = 0; i + 1 < n; ++i)
    for (int q = 0; q < 4; ++q) {
      double const x = double(i) + 0.5 * (1.0 + nodes[q]);
      Scalar const u = static_cast<Scalar>(double(axis.lo) + x / double(axis.scale));
      AxisStencil<Scalar, 0> const s = make_axis_stencil<0>(m, axis, u);
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) {
          std::int64_t const ra = s.row[a] / axis.stride, rb = s.row[b] / axis.stride;
          g[static_cast<std::size_t>(ra * n + rb)] +=
              0.5 * weights[q] * double(s.w[0][a]) * double(s.w[0][b]);
        }
    }
  return g;
}

/// Cholesky factor L (row-major, lower) of g scaled to unit diagonal, and its lower
/// bandwidth. Rows without support (zero diagonal) become identity rows.
inline std::vector<double> unit_diagonal_cholesky(std::vector<double> g, std::int64_t n,
                                                  std::int64_t& band) {
  std::vector<double> d(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double const gii = g[i * n + i];
    d[i] = gii > 0 ? 1.0 / std::sqrt(gii) : 0.0;
  }
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) g[i * n + j] *= d[i] * d[j];
  for (std::int64_t i = 0; i < n; ++i)
    if (d[i] == 0) g[i * n + i] = 1;
  // Cholesky without fill-in outside the band of g (wrap axes: the band is the whole
  // matrix), so banded Gram matrices cost O(n band^2).
  std::int64_t g_band = 0;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < i; ++j)
      if (g[i * n + j] != 0.0 && i - j > g_band) g_band = i - j;
  std::vector<double> l(static_cast<std::size_t>(n * n), 0.0);
  band = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    std::int64_t const k0 = j - g_band > 0 ? j - g_band : 0;
    double s = g[j * n + j];
    for (std::int64_t k = k0; k < j; ++k) s -= l[j * n + k] * l[j * n + k];
    require(s > 0, "splinegrid::fit_least_squares", "axis Gram matrix is not positive definite");
    l[j * n + j] = std::sqrt(s);
    std::int64_t const i1 = j + g_band < n - 1 ? j + g_band : n - 1;
    for (std::int64_t i = j + 1; i <= i1; ++i) {
      double t = g[i * n + j];
      std::int64_t const m0 = i - g_band > k0 ? i - g_band : k0;
      for (std::int64_t k = m0; k < j; ++k) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / l[j * n + j];
      if (std::fabs(l[i * n + j]) > 1e-300 && i - j > band) band = i - j;
    }
  }
  return l;
}

/// Solves L L^T x = v in place along one axis for every line (other indices × channels).
template <class Matrix, class Factor>
struct SolveAlongAxis {
  Matrix v;
  Factor l;  // (n, n)
  std::int64_t n, stride, band;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t line) const {
    using Scalar = typename Matrix::non_const_value_type;
    std::int64_t const channels = static_cast<std::int64_t>(v.extent(1));
    std::int64_t const c = line % channels;
    std::int64_t const l0 = line / channels;  // (outer, inner) with the axis removed
    std::int64_t const base = (l0 / stride) * stride * n + l0 % stride;
    for (std::int64_t i = 0; i < n; ++i) {  // L y = v
      double s = double(v(base + i * stride, c));
      std::int64_t const j0 = i - band > 0 ? i - band : 0;
      for (std::int64_t j = j0; j < i; ++j) s -= l(i, j) * double(v(base + j * stride, c));
      v(base + i * stride, c) = static_cast<Scalar>(s / l(i, i));
    }
    for (std::int64_t i = n - 1; i >= 0; --i) {  // L^T x = y
      double s = double(v(base + i * stride, c));
      std::int64_t const j1 = i + band < n - 1 ? i + band : n - 1;
      for (std::int64_t j = i + 1; j <= j1; ++j) s -= l(j, i) * double(v(base + j * stride, c));
      v(base + i * stride, c) = static_cast<Scalar>(s / l(i, i));
    }
  }
};

/// z(r, c) = s(r, c) · z(r, c) (s: the inverse square root of the diagonal).
template <class Matrix>
struct ScaleRows {
  Matrix z, s;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t r) const {
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(z.extent(1)); ++c) z(r, c) *= s(r, c);
  }
};

template <class Scalar, int Dim, class MemorySpace>
class TensorPreconditioner {
 public:
  using factor_type = Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace>;

  TensorPreconditioner() = default;

  /// From the grid's evaluator (axes, basis).
  template <class EvaluatorType>
  explicit TensorPreconditioner(EvaluatorType const& eval) {
    for (int k = 0; k < Dim; ++k) {
      Axis<Scalar> const& axis = eval.axis(k);
      std::int64_t const n = axis.n;
      std::vector<double> const l =
          unit_diagonal_cholesky(axis_gram(eval.basis_matrix(), axis), n, m_band[k]);
      m_factor[k] = factor_type(std::string("splinegrid::lsq::gram_factor"), n, n);
      auto host = Kokkos::create_mirror_view(m_factor[k]);
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j) host(i, j) = l[i * n + j];
      Kokkos::deep_copy(m_factor[k], host);
      m_n[k] = n;
      m_stride[k] = axis.stride;
    }
  }

  /// z = S (⊗ Ĝ_k)^-1 S r, with `inverse_sqrt_diagonal` = S. Asynchronous on exec.
  template <class ExecutionSpace, class Matrix>
  void apply(ExecutionSpace const& exec, Matrix const& inverse_sqrt_diagonal, Matrix const& r,
             Matrix const& z) const {
    using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>;
    std::int64_t const rows = static_cast<std::int64_t>(r.extent(0));
    std::int64_t const channels = static_cast<std::int64_t>(r.extent(1));
    Kokkos::deep_copy(exec, z, r);
    Kokkos::parallel_for("splinegrid::lsq::precondition_scale", Policy(exec, 0, rows),
                         ScaleRows<Matrix>{z, inverse_sqrt_diagonal});
    for (int k = 0; k < Dim; ++k) {
      if (m_n[k] == 1) continue;
      Kokkos::parallel_for("splinegrid::lsq::precondition_axis",
                           Policy(exec, 0, rows / m_n[k] * channels),
                           SolveAlongAxis<Matrix, factor_type>{z, m_factor[k], m_n[k],
                                                               m_stride[k], m_band[k]});
    }
    Kokkos::parallel_for("splinegrid::lsq::precondition_scale", Policy(exec, 0, rows),
                         ScaleRows<Matrix>{z, inverse_sqrt_diagonal});
  }

 private:
  factor_type m_factor[Dim];
  std::int64_t m_n[Dim] = {};
  std::int64_t m_stride[Dim] = {};
  std::int64_t m_band[Dim] = {};
};

}  // namespace splinegrid::Impl

#endif
