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

/// with_kernel_variant, plus fixed channel counts 3 (vector fields, e.g. deformation)
/// and 8 under torch rules, for the forward kernel only: a constant channel count and
/// row pitch let the compiler vectorise the channel loop (measured +26% at 3D C=8,
/// +21% at C=3). One kernel that light per count costs little to
/// compile, unlike fixed counts for every kernel (see with_kernel_variant).
template <class EvaluatorType, class F>
void with_value_kernel_variant(EvaluatorType const& eval, F&& f) {
  bool const torch = eval.torch_rules();
  if (torch && eval.channels() == 8)
    f(KernelVariant<true, 8>{});
  else if (torch && eval.channels() == 3)
    f(KernelVariant<true, 3>{});
  else
    with_kernel_variant(eval, f);
}

}  // namespace splinegrid::Impl

#endif
