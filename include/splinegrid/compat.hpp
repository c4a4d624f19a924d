#ifndef SPLINEGRID_COMPAT_HPP
#define SPLINEGRID_COMPAT_HPP

/// @file
/// Every difference between the Kokkos versions splinegrid supports (3.4 to 5.x)
/// lives here, so the rest of the library is written once.

#include <Kokkos_Core.hpp>

#include <string>
#include <type_traits>

#if !defined(KOKKOS_VERSION) || KOKKOS_VERSION < 30400
#error "splinegrid needs Kokkos 3.4 or newer"
#endif

/// Put before a loop of a few iterations (a compile-time count) that GCC must unroll
/// rather than vectorise: its loop vectoriser turns e.g. the four tap-row loads of a
/// stencil into one wide load of four values just stored one by one, which cannot be
/// store-forwarded and stalls the point's whole dependency chain (the 1D derivative
/// kernels ran 1.5-1.8x slower with AVX2 than without because of it). nvcc and clang
/// unroll such loops on their own, and nvcc warns about GCC's pragma.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__NVCC__)
#define SPLINEGRID_UNROLL_SMALL_LOOP _Pragma("GCC unroll 16")
#else
#define SPLINEGRID_UNROLL_SMALL_LOOP
#endif

/// Marks a short loop over independent lanes (contract()'s lane loops) for
/// vectorisation. GCC mostly leaves them scalar otherwise: it unrolls such loops
/// before its straight-line (SLP) vectoriser sees them whole (3D forward 61 vs
/// 76-84 M points/s, 4D 9.5 vs 20). An OpenMP SIMD directive, so only where OpenMP
/// is enabled (the OpenMP backend, or -fopenmp) on a host compiler; nvcc and the
/// HIP device pass compile one point per thread and need nothing.
#if defined(_OPENMP) && !defined(__NVCC__) && !defined(__HIP_DEVICE_COMPILE__)
#define SPLINEGRID_SIMD_LOOP _Pragma("omp simd")
#else
#define SPLINEGRID_SIMD_LOOP
#endif

namespace splinegrid::Compat {

/// a * b + c with one rounding (a fused multiply-add) where the host compiler
/// targets FMA instructions (GCC/clang with -mfma, e.g. -march=x86-64-v3), and
/// a * b + c elsewhere; device passes (nvcc, hipcc) fuse a * b + c themselves.
/// Explicit rather than left to -ffp-contract: the dev builds turn contraction off
/// because GCC fuses each kernel differently, whereas this fuses exactly here, the
/// same way in every kernel, so the paths that share contract() stay bitwise equal.
/// The contraction's multiply-adds: 3D C=8 double forward 749 -> 650 instructions
/// per point, 3D C=3 495 -> 411 (README, Performance).
template <class Scalar>
KOKKOS_FORCEINLINE_FUNCTION Scalar mul_add(Scalar a, Scalar b, Scalar c) {
#if defined(__FMA__) && defined(__GNUC__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
  if constexpr (std::is_same_v<Scalar, float>) {
    return __builtin_fmaf(a, b, c);
  } else if constexpr (std::is_same_v<Scalar, double>) {
    return __builtin_fma(a, b, c);
  } else {
    return a * b + c;
  }
#else
  return a * b + c;
#endif
}

/// Hints that the cache line holding `address` is about to be written (host
/// GCC/clang: a prefetch for write); nothing on device passes and other compilers.
KOKKOS_FORCEINLINE_FUNCTION void prefetch_for_write(void const* address) {
#if defined(__GNUC__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
  __builtin_prefetch(address, 1);
#else
  (void)address;
#endif
}

// Math functions: namespace Kokkos from 4.0, Kokkos::Experimental in 3.x.
#if KOKKOS_VERSION >= 40000
using Kokkos::cos;
using Kokkos::exp;
using Kokkos::fabs;
using Kokkos::floor;
using Kokkos::fmax;
using Kokkos::isfinite;
using Kokkos::isnan;
using Kokkos::sin;
using Kokkos::sqrt;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::fabs;
using Kokkos::Experimental::floor;
using Kokkos::Experimental::fmax;
using Kokkos::Experimental::isfinite;
using Kokkos::Experimental::isnan;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
#endif

/// Number of threads (host) or concurrent work items (device) of an execution space
/// instance. Kokkos 3.4 has only the static `concurrency()`; 4.x adds the member.
template <class ExecutionSpace>
int concurrency(ExecutionSpace const& exec) {
#if KOKKOS_VERSION >= 40000
  return exec.concurrency();
#else
  (void)exec;
  return ExecutionSpace::concurrency();
#endif
}

/// RAII profiling region (Kokkos::Profiling::ScopedRegion exists only from 4.x).
class ScopedRegion {
 public:
  /// Pushes the region `name`; the destructor pops it.
  explicit ScopedRegion(std::string const& name) { Kokkos::Profiling::pushRegion(name); }
  ~ScopedRegion() { Kokkos::Profiling::popRegion(); }
  ScopedRegion(ScopedRegion const&) = delete;
  ScopedRegion& operator=(ScopedRegion const&) = delete;
};

}  // namespace splinegrid::Compat

#endif
