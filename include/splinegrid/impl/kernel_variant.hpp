#ifndef SPLINEGRID_IMPL_KERNEL_VARIANT_HPP
#define SPLINEGRID_IMPL_KERNEL_VARIANT_HPP

/// @file
/// Compile-time facts a batched kernel specialises on, chosen on the host once per
/// launch from the grid: the common case (torch-cubic-spline-grids' boundary rules,
/// a fixed basis, one channel) then runs without the general code's branches and
/// loads, and everything else takes the general path.

#include <splinegrid/basis.hpp>

namespace splinegrid::Impl {

/// Torch: every axis is Boundary::linear without Extrapolation::fill (see
/// Evaluator::torch_rules). BasisId: static_cast<int>(Basis), or -1 for the grid's
/// basis at run time. Channels: the channel count C, or 0 for C at run time.
template <bool Torch, int BasisId, int Channels>
struct KernelVariant {
  static constexpr bool torch = Torch;
  static constexpr int basis = BasisId;
  static constexpr int channels = Channels;
};

/// Any grid: boundaries, basis and channel count read at run time.
using GeneralVariant = KernelVariant<false, -1, 0>;

/// Calls f(Variant{}) with the most specialised variant that fits `eval`. The torch
/// path is specialised on the basis and on C = 1; other channel counts use run-time
/// channel blocks. (Each variant is one more kernel instantiation: this set keeps
/// compile times moderate; it was chosen by measurement, see README Performance.)
template <class EvaluatorType, class F>
void with_kernel_variant(EvaluatorType const& eval, F&& f) {
  constexpr int bspline = static_cast<int>(Basis::bspline);
  constexpr int catmull_rom = static_cast<int>(Basis::catmull_rom);
  if (!eval.torch_rules()) {
    f(GeneralVariant{});
  } else if (eval.basis() == Basis::bspline) {
    if (eval.channels() == 1)
      f(KernelVariant<true, bspline, 1>{});
    else
      f(KernelVariant<true, bspline, 0>{});
  } else {
    if (eval.channels() == 1)
      f(KernelVariant<true, catmull_rom, 1>{});
    else
      f(KernelVariant<true, catmull_rom, 0>{});
  }
}

}  // namespace splinegrid::Impl

#endif
