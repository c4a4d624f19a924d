#ifndef SPLINEGRID_IMPL_EVALUATE_KERNELS_HPP
#define SPLINEGRID_IMPL_EVALUATE_KERNELS_HPP

/// @file
/// Per-point kernels of evaluate(), evaluate_gradients() and evaluate_hessians().

#include <splinegrid/evaluator.hpp>

#include <Kokkos_Core.hpp>

namespace splinegrid::Impl {

/// values(i, c) = grid(points(i, :)) for channel c, specialised on Variant
/// (see KernelVariant).
template <class Variant, class EvaluatorType, class Points, class Values>
struct EvaluateValues {
  using variant_type = Variant;
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Values values;

  KOKKOS_FORCEINLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
    AxisStencil<Scalar, 0> st[Dim];
    eval.template stencils<0, Variant>(x, st);
    store(i, st);
  }

  /// values(i, :) from point i's stencils (shared with EvaluateChunked).
  KOKKOS_FORCEINLINE_FUNCTION void store(std::int64_t i, AxisStencil<Scalar, 0> const (&st)[Dim]) const {
    eval.template for_each_channel_block_of<Variant>(StoreBlock{*this, i, st});
  }

  /// Prefetches the output rows of points i0..i1-1 for writing (EvaluateTiled
  /// writes a tile's rows out of order, so the hardware's sequential prefetch no
  /// longer brings them in).
  KOKKOS_FORCEINLINE_FUNCTION void prefetch_outputs(std::int64_t i0, std::int64_t i1) const {
    std::int64_t const last = static_cast<std::int64_t>(values.extent(1)) - 1;
    for (std::int64_t i = i0; i < i1; ++i) {
      Compat::prefetch_for_write(&values(i, 0));
      Compat::prefetch_for_write(&values(i, last));
    }
  }

  /// One channel block of store(): a functor rather than a lambda so that its call
  /// is force-inlined (GCC outlined the lambda in the chunked kernel, 3D: +40%
  /// instructions per point).
  struct StoreBlock {
    EvaluateValues const& kernel;
    std::int64_t i;
    AxisStencil<Scalar, 0> const (&st)[Dim];
    template <class Block>
    KOKKOS_FORCEINLINE_FUNCTION void operator()(Block, int c0) const {
      constexpr int K = Block::value;
      Scalar acc[K];
      kernel.eval.template accumulate_values<K, Variant::channels>(st, c0, acc);
      for (int c = 0; c < K; ++c) kernel.values(i, c0 + c) = acc[c];
    }
  };
};

/// Values, gradients (i, c, k) and, for Order 2, Hessians (i, c, k, l).
template <int Order, class Variant, class EvaluatorType, class Points, class Values,
          class Gradients, class Hessians>
struct EvaluateDerivatives {
  using variant_type = Variant;
  using Scalar = typename EvaluatorType::value_type;
  static constexpr int Dim = EvaluatorType::dimension;
  EvaluatorType eval;
  Points points;
  Values values;
  Gradients gradients;
  Hessians hessians;

  KOKKOS_FORCEINLINE_FUNCTION void operator()(std::int64_t i) const {
    Scalar x[Dim];
    for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
    AxisStencil<Scalar, Order> st[Dim];
    eval.template stencils<Order, Variant>(x, st);
    store(i, st);
  }

  /// Point i's outputs from its stencils (shared with EvaluateChunked).
  KOKKOS_FORCEINLINE_FUNCTION void store(std::int64_t i,
                                         AxisStencil<Scalar, Order> const (&st)[Dim]) const {
    eval.template for_each_channel_block_of<Variant, EvaluatorType::template derivative_block<Order>>(
        StoreBlock{*this, i, st});
  }

  /// One channel block of store(), a functor for the reason given at
  /// EvaluateValues::StoreBlock.
  struct StoreBlock {
    EvaluateDerivatives const& kernel;
    std::int64_t i;
    AxisStencil<Scalar, Order> const (&st)[Dim];
    template <class Block>
    KOKKOS_FORCEINLINE_FUNCTION void operator()(Block, int c0) const {
      constexpr int K = Block::value;
      constexpr int E = derivative_entries<Dim, Order>;
      Scalar acc[K * E];
      kernel.eval.template accumulate_derivatives<K, Order, Variant::channels>(st, c0, acc);
      for (int c = 0; c < K; ++c) {
        kernel.values(i, c0 + c) = acc[c * E];
        for (int k = 0; k < Dim; ++k)
          kernel.gradients(i, c0 + c, k) = acc[c * E + gradient_index<Dim, Order>(k)];
        if constexpr (Order >= 2) {
          for (int k = 0; k < Dim; ++k)
            for (int l = 0; l < Dim; ++l)
              kernel.hessians(i, c0 + c, k, l) = acc[c * E + hessian_index<Dim, Order>(k, l)];
        }
      }
    }
  };
};

}  // namespace splinegrid::Impl

#endif
