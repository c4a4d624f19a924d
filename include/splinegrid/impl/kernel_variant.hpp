#ifndef SPLINEGRID_IMPL_KERNEL_VARIANT_HPP
#define SPLINEGRID_IMPL_KERNEL_VARIANT_HPP

/// @file
/// Compile-time facts a batched kernel specialises on, chosen on the host once per
/// launch from the grid: the common case (torch-cubic-spline-grids' boundary rules,
/// one channel) then runs without the general code's branches and loads, and
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
/// rules with C = 1 (row pitch and channel loop become constants), torch rules with
/// C at run time, or the general path. Each variant is one more instantiation of
/// every kernel: fixed C = 2, 3, 4, 8 measured +30-45% on those channel counts but
/// made the unit tests compile 2.5x longer (nvcc worse), so they are not variants;
/// nor is the basis (its closed-form weights branch once per axis on the basis id,
/// within 2% of a compile-time basis).
template <class EvaluatorType, class F>
void with_kernel_variant(EvaluatorType const& eval, F&& f) {
  if (!eval.torch_rules())
    f(GeneralVariant{});
  else if (eval.channels() == 1)
    f(KernelVariant<true, 1>{});
  else
    f(KernelVariant<true, 0>{});
}

}  // namespace splinegrid::Impl

#endif
