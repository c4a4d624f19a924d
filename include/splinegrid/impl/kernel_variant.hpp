#ifndef SPLINEGRID_IMPL_KERNEL_VARIANT_HPP
#define SPLINEGRID_IMPL_KERNEL_VARIANT_HPP

/// @file
/// Compile-time facts a batched kernel specialises on, chosen on the host once per
/// launch from the grid: the common case (torch-cubic-spline-grids' boundary rules,
/// a few channels) then runs without the general code's branches and loads, and
/// everything else takes the general path.

#include <splinegrid/basis.hpp>

namespace splinegrid::Impl {

/// Torch: every axis is Boundary::linear without Extrapolation::fill (see
/// Evaluator::torch_rules). Channels: the channel count C, or 0 for C at run time.
template <bool Torch, int Channels>
struct KernelVariant {
  static constexpr bool torch = Torch;
  static constexpr int channels = Channels;
};

/// Any grid: boundaries and channel count read at run time.
using GeneralVariant = KernelVariant<false, 0>;

/// Calls f(Variant{}) with the most specialised variant that fits `eval`: torch
/// rules with C = 1, 2, 3, 4 or 8 fixed at compile time (the row pitch and channel
/// loops become constants: 3D C = 8 forward +45%, C = 3 +30%), torch rules with C at
/// run time, or the general path. Each variant is one more kernel instantiation;
/// the basis is not a variant (its weights branch once per axis on the basis id,
/// which measured within 2% of a compile-time basis).
template <class EvaluatorType, class F>
void with_kernel_variant(EvaluatorType const& eval, F&& f) {
  if (!eval.torch_rules()) {
    f(GeneralVariant{});
    return;
  }
  switch (eval.channels()) {
    case 1: f(KernelVariant<true, 1>{}); break;
    case 2: f(KernelVariant<true, 2>{}); break;
    case 3: f(KernelVariant<true, 3>{}); break;
    case 4: f(KernelVariant<true, 4>{}); break;
    case 8: f(KernelVariant<true, 8>{}); break;
    default: f(KernelVariant<true, 0>{}); break;
  }
}

}  // namespace splinegrid::Impl

#endif
