#ifndef SPLINEGRID_EVALUATOR_HPP
#define SPLINEGRID_EVALUATOR_HPP

/// @file
/// Evaluator: a small, copyable, device-callable view of a grid, for use inside
/// Kokkos kernels (the library's own batched kernels and the user's).

#include <splinegrid/impl/contract.hpp>
#include <splinegrid/impl/kernel_variant.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <type_traits>

namespace splinegrid {
namespace Impl {

/// One step of Evaluator::stencils(): a functor rather than a lambda so that its
/// call is force-inlined (GCC outlines the lambda bodies in the larger kernels).
template <class EvaluatorType, int Order, class Variant, class Point>
struct AxisStep {
  using Scalar = typename EvaluatorType::value_type;
  EvaluatorType const& self;
  BasisMatrix<Scalar> const& matrix;
  Point const& x;
  AxisStencil<Scalar, Order>* st;  // the Dim stencils
  template <class Index>
  KOKKOS_FORCEINLINE_FUNCTION void operator()(Index) const {
    constexpr int k = Index::value;  // a local: x[] may take its index by reference
    self.template axis_stencil<k, Order, Variant>(matrix, static_cast<Scalar>(x[k]), st[k]);
  }
};

}  // namespace Impl

/// Evaluates a spline grid at single points inside device code.
///
/// Obtain one from Grid::evaluator(). It holds a reference-counted view of the
/// control points plus the axis geometry (a few hundred bytes), so copy it by value
/// into kernels. All member functions are KOKKOS_INLINE_FUNCTION, allocate nothing
/// and cost O(4^Dim · C).
///
/// Points are anything indexable as x[k], k < Dim (a raw array, Kokkos::Array, a
/// rank-1 View or subview). Output arrays are indexable as out[i] with the layouts
/// given per function. Coordinates follow the grid's domain: control point i of
/// axis k sits at lo_k + i (hi_k - lo_k)/(n_k - 1); coordinates outside the domain
/// are clamped to it (their derivatives are 0). NaN coordinates give NaN results.
template <class Scalar, int Dim, class MemorySpace>
class Evaluator {
  static_assert(Dim >= 1 && Dim <= 4, "splinegrid::Evaluator: Dim must be 1..4");
  static_assert(std::is_floating_point<Scalar>::value,
                "splinegrid::Evaluator: Scalar must be float or double");

 public:
  using value_type = Scalar;         ///< float or double
  using memory_space = MemorySpace;  ///< where the control points live
  /// Read-only (rows, C) control points.
  using control_points_type =
      Kokkos::View<Scalar const**, Kokkos::LayoutRight, MemorySpace>;
  static constexpr int dimension = Dim;  ///< number of axes

  Evaluator() = default;
  /// Built by Grid::evaluator(); `axes` describe the control points' rows.
  Evaluator(control_points_type control_points, Kokkos::Array<Impl::Axis<Scalar>, Dim> axes,
            Basis basis, Scalar fill_value = Scalar(0))
      : m_fill_value(fill_value),
        m_control_points(control_points),
        m_axes(axes),
        m_basis(basis),
        m_matrix(Impl::basis_matrix<Scalar>(basis)),
        m_channels(static_cast<int>(control_points.extent(1))) {}

  /// Number of channels C.
  KOKKOS_INLINE_FUNCTION int channels() const { return m_channels; }
  /// Basis of the grid.
  KOKKOS_INLINE_FUNCTION Basis basis() const { return m_basis; }
  /// The basis' characteristic matrix, as the stencils use it.
  KOKKOS_INLINE_FUNCTION Impl::BasisMatrix<Scalar> const& basis_matrix() const { return m_matrix; }
  /// Geometry of axis k.
  KOKKOS_INLINE_FUNCTION Impl::Axis<Scalar> const& axis(int k) const { return m_axes[k]; }
  /// Control points, (rows, C) with rows in row-major order over (n_0, ..., n_{Dim-1}).
  KOKKOS_INLINE_FUNCTION control_points_type const& control_points() const {
    return m_control_points;
  }

  /// Value of one channel at point x.
  template <class Point>
  KOKKOS_INLINE_FUNCTION Scalar value(Point const& x, int channel) const {
    Impl::AxisStencil<Scalar, 0> st[Dim];
    stencils(x, st);
    Scalar acc[1];
    accumulate_values<1>(st, channel, acc);
    return acc[0];
  }

  /// All channel values at point x: values[c], c < C.
  template <class Point, class Values>
  KOKKOS_INLINE_FUNCTION void values(Point const& x, Values&& values) const {
    Impl::AxisStencil<Scalar, 0> st[Dim];
    stencils(x, st);
    for_each_channel_block([&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      Scalar acc[K];
      accumulate_values<K>(st, c0, acc);
      for (int c = 0; c < K && c0 + c < m_channels; ++c) values[c0 + c] = acc[c];  // bound: see derivatives()
    });
  }

  /// Values and gradients at x: values[c], gradients[c*Dim + k] = d value_c / d x_k.
  template <class Point, class Values, class Gradients>
  KOKKOS_INLINE_FUNCTION void gradients(Point const& x, Values&& values,
                                        Gradients&& gradients) const {
    derivatives<1>(x, values, gradients, gradients);
  }

  /// Values, gradients and Hessians at x in one pass:
  /// hessians[(c*Dim + k)*Dim + l] = d^2 value_c / d x_k d x_l (symmetric, full).
  template <class Point, class Values, class Gradients, class Hessians>
  KOKKOS_INLINE_FUNCTION void hessians(Point const& x, Values&& values, Gradients&& gradients,
                                       Hessians&& hessians) const {
    derivatives<2>(x, values, gradients, hessians);
  }

  /// Adjoint at one point: given grad_values[c] = dL/d value_c, adds
  /// grad_values[c] * weight(tap) into scatter(row, c) for every tap (skipped when
  /// Scatter is NoScatter) and writes grad_point[k] = dL/d x_k.
  template <class Point, class GradValues, class Scatter, class GradPoint>
  KOKKOS_INLINE_FUNCTION void adjoint(Point const& x, GradValues const& grad_values,
                                      Scatter& scatter, GradPoint&& grad_point) const {
    Impl::AxisStencil<Scalar, 1> st[Dim];
    stencils(x, st);
    Scalar gp[Dim] = {};
    for_each_channel_block([&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      Scalar g[K];
      for (int c = 0; c < K; ++c) g[c] = c0 + c < m_channels ? grad_values[c0 + c] : Scalar(0);
      accumulate_adjoint<K>(st, c0, g, scatter, gp);
    });
    for (int k = 0; k < Dim; ++k) grad_point[k] = gp[k];
  }

  /// A copy of this evaluator reading the same control points from another buffer
  /// of the same (rows, C) layout, e.g. a copy in team scratch (see
  /// Impl::EvaluateValuesStaged). Allocates nothing; device-callable.
  KOKKOS_INLINE_FUNCTION Evaluator with_control_points_at(Scalar const* data) const {
    Evaluator copy = *this;
    copy.m_control_points = control_points_type(data, m_control_points.extent(0),
                                                m_control_points.extent(1));
    return copy;
  }

  /// Marks "no control-point gradient wanted" for adjoint().
  struct NoScatter {};

  // ---- building blocks shared with the batched kernels ---------------------------

  /// Per-axis stencils of point x. Variant (see Impl::KernelVariant) lets batched
  /// kernels assume torch_rules() (every axis Boundary::linear without fill), which
  /// drops the general code; the default assumes nothing.
  template <int Order, class Variant = Impl::GeneralVariant, class Point>
  KOKKOS_FORCEINLINE_FUNCTION void stencils(Point const& x,
                                       Impl::AxisStencil<Scalar, Order> (&st)[Dim]) const {
    Impl::BasisMatrix<Scalar> const& matrix = m_matrix;
    Impl::static_for<Dim>(Impl::AxisStep<Evaluator, Order, Variant, Point>{*this, matrix, x, st});
  }

  /// Stencil of axis k (a separate, force-inlined step: compilers otherwise outline
  /// the per-axis bodies of the unrolled loop in the larger kernels).
  template <int k, int Order, class Variant>
  KOKKOS_FORCEINLINE_FUNCTION void axis_stencil(Impl::BasisMatrix<Scalar> const& matrix, Scalar u,
                                                Impl::AxisStencil<Scalar, Order>& st) const {
    if constexpr (Variant::torch) {
      // Rows are row-major: the last axis has stride 1. Saying so as a constant
      // lets the compiler see that its taps are adjacent (offsets 0..3).
      std::int64_t const stride = k == Dim - 1 ? 1 : m_axes[k].stride;
      Impl::linear_axis_stencil<Order, false>(matrix, m_axes[k], stride, u, st);
    } else {
      st = Impl::make_axis_stencil<Order>(matrix, m_axes[k], u);
    }
  }

  /// True if every axis uses Boundary::linear and none uses Extrapolation::fill
  /// (torch-cubic-spline-grids' rules, possibly with extension): the kernels then
  /// take a specialised path.
  bool torch_rules() const {
    for (int k = 0; k < Dim; ++k)
      if (m_axes[k].boundary != Boundary::linear || m_axes[k].extrapolation == Extrapolation::fill)
        return false;
    return true;
  }

  /// acc[c] = value of channel c0 + c, c < K. Pitch: the channel count if known at
  /// compile time (the row pitch of the control points), else 0.
  template <int K, int Pitch = 0>
  KOKKOS_FORCEINLINE_FUNCTION void accumulate_values(Impl::AxisStencil<Scalar, 0> const (&st)[Dim],
                                                int c0, Scalar (&acc)[K]) const {
    Scalar const* data = m_control_points.data() + c0;
    std::int64_t const C = pitch<Pitch>();
    Impl::contract<Dim, 0, K>(st, 0, Impl::GatherLeaf<Scalar, K>{data, C}, acc);
    if (filled(st))
      for (int c = 0; c < K; ++c) acc[c] += m_fill_value;
  }

  /// True if the point lies outside the domain of an Extrapolation::fill axis: its
  /// weights are then all 0 and its value is the fill value.
  template <int Order>
  KOKKOS_INLINE_FUNCTION static bool filled(Impl::AxisStencil<Scalar, Order> const (&st)[Dim]) {
    bool any = false;
    for (int k = 0; k < Dim; ++k) any = any || st[k].fill;
    return any;
  }

  /// acc[c * E + e], E = Impl::derivative_entries<Dim, Order>: for channel c0 + c,
  /// the derivative of multi-index e (see Impl::gradient_index, hessian_index).
  template <int K, int Order, int Pitch = 0>
  KOKKOS_FORCEINLINE_FUNCTION void accumulate_derivatives(
      Impl::AxisStencil<Scalar, Order> const (&st)[Dim], int c0,
      Scalar (&acc)[K * Impl::derivative_entries<Dim, Order>]) const {
    Scalar const* data = m_control_points.data() + c0;
    std::int64_t const C = pitch<Pitch>();
    Impl::contract<Dim, Order, K>(st, 0, Impl::GatherLeaf<Scalar, K>{data, C}, acc);
    if (filled(st))
      for (int c = 0; c < K; ++c) acc[c * Impl::derivative_entries<Dim, Order>] += m_fill_value;
  }

  /// Adjoint of channels c0..c0+K-1: scatter(row, c0 + c) += weight * g[c] for every
  /// tap (unless Scatter is NoScatter), and gp[k] += d/dx_k of sum_c g[c] value_c.
  template <int K, int Pitch = 0, class Scatter>
  KOKKOS_FORCEINLINE_FUNCTION void accumulate_adjoint(Impl::AxisStencil<Scalar, 1> const (&st)[Dim],
                                                 int c0, Scalar const (&g)[K], Scatter& scatter,
                                                 Scalar (&gp)[Dim]) const {
    Scalar const* data = m_control_points.data() + c0;
    std::int64_t const C = pitch<Pitch>();
    // dL/dx_k = d/dx_k of the field projected on g, sum_c g[c] value_c: gathered
    // directly for one channel, projected tap by tap for several.
    Scalar acc[Impl::derivative_entries<Dim, 1>];
    if constexpr (K == 1) {
      Impl::contract<Dim, 1, 1>(st, 0, Impl::GatherLeaf<Scalar, 1>{data, C}, acc);
      for (int k = 0; k < Dim; ++k) gp[k] += g[0] * acc[Impl::gradient_index<Dim, 1>(k)];
    } else {
      Impl::contract<Dim, 1, 1>(st, 0, Impl::ProjectedLeaf<Scalar, K>{data, C, g}, acc);
      for (int k = 0; k < Dim; ++k) gp[k] += acc[Impl::gradient_index<Dim, 1>(k)];
    }
    // dL/dc: every tap gets its weight times g.
    if constexpr (!std::is_same<Scatter, NoScatter>::value) {
      Impl::scatter_taps<K>(st, c0, g, scatter);
    }
  }

  /// The row pitch of the control points: Pitch if known at compile time (> 0).
  template <int Pitch>
  KOKKOS_INLINE_FUNCTION std::int64_t pitch() const {
    if constexpr (Pitch > 0) {
      return Pitch;
    } else {
      return m_channels;
    }
  }

  /// for_each_channel_block, or one block of all Variant::channels channels when the
  /// variant fixes C.
  template <class Variant, int MaxK = 8, class F>
  KOKKOS_FORCEINLINE_FUNCTION void for_each_channel_block_of(F&& f) const {
    if constexpr (Variant::channels > 0) {
      f(std::integral_constant<int, Variant::channels>{}, 0);
    } else {
      for_each_channel_block<MaxK>(f);
    }
  }

  /// Calls f(std::integral_constant<int, K>{}, c0) over channel blocks that cover
  /// 0..C-1: blocks of MaxK (8 or 4), 4, 3, 2 as the channel count allows, then 1.
  /// Force-inlined: once the chunked derivative kernels were added, GCC outlined it
  /// from the Hessian kernels (3D double C=3 3377 -> 3711 instructions per point;
  /// inlined 3209, C=8 7995 -> 7552).
  template <int MaxK = 8, class F>
  KOKKOS_FORCEINLINE_FUNCTION void for_each_channel_block(F&& f) const {
    int c0 = 0;
    if constexpr (MaxK >= 8) {
      for (; c0 + 8 <= m_channels; c0 += 8) f(std::integral_constant<int, 8>{}, c0);
    }
    if constexpr (MaxK >= 4) {
      for (; c0 + 4 <= m_channels; c0 += 4) f(std::integral_constant<int, 4>{}, c0);
    }
    if constexpr (MaxK >= 3) {
      if (c0 + 3 == m_channels) {
        f(std::integral_constant<int, 3>{}, c0);
        return;
      }
    }
    if constexpr (MaxK >= 2) {
      for (; c0 + 2 <= m_channels; c0 += 2) f(std::integral_constant<int, 2>{}, c0);
    }
    for (; c0 < m_channels; ++c0) f(std::integral_constant<int, 1>{}, c0);
  }

  /// Largest channel block for derivatives of `Order`: accumulators grow as
  /// Impl::derivative_entries<Dim, Order> per channel, so high orders use small blocks.
  template <int Order>
  static constexpr int derivative_block = Order == 0 ? 8 : (Order == 1 ? 4 : (Dim <= 2 ? 4 : 1));

 private:
  template <int Order, class Point, class Values, class Gradients, class Hessians>
  KOKKOS_INLINE_FUNCTION void derivatives(Point const& x, Values& values, Gradients& gradients,
                                          Hessians& hessians) const {
    Impl::AxisStencil<Scalar, Order> st[Dim];
    stencils(x, st);
    for_each_channel_block<derivative_block<Order>>([&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      constexpr int E = Impl::derivative_entries<Dim, Order>;
      Scalar acc[K * E];
      accumulate_derivatives<K, Order>(st, c0, acc);
      for (int c = 0; c < K && c0 + c < m_channels; ++c) {  // the explicit bound keeps compilers from warning about user arrays of exactly C
        int const ch = c0 + c;
        values[ch] = acc[c * E];
        for (int k = 0; k < Dim; ++k) gradients[ch * Dim + k] = acc[c * E + Impl::gradient_index<Dim, Order>(k)];
        if constexpr (Order >= 2) {
          for (int k = 0; k < Dim; ++k)
            for (int l = 0; l < Dim; ++l)
              hessians[(ch * Dim + k) * Dim + l] = acc[c * E + Impl::hessian_index<Dim, Order>(k, l)];
        }
      }
    });
  }

  Scalar m_fill_value = Scalar(0);
  control_points_type m_control_points;
  Kokkos::Array<Impl::Axis<Scalar>, Dim> m_axes;
  Basis m_basis = Basis::bspline;
  Impl::BasisMatrix<Scalar> m_matrix = {};
  int m_channels = 0;
};

}  // namespace splinegrid

#endif
