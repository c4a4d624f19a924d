#ifndef SPLINEGRID_IMPL_WIDE_KERNELS_HPP
#define SPLINEGRID_IMPL_WIDE_KERNELS_HPP

/// @file
/// AVX-512 ("wide") copies of chosen host kernels, picked at run time on CPUs that
/// have it, in builds whose baseline is AVX2 + FMA (x86-64-v3, as tools/dev.sh
/// builds): a kernel marked SPLINEGRID_WIDE_KERNEL has its call operator compiled
/// for AVX-512 with 512-bit vectors, and everything it force-inlines with it, while
/// the rest of the build keeps its instruction set. Per lane the instructions are
/// the same operations (the multiply-adds are explicit, Compat::mul_add, and the
/// build's FMA setting is unchanged), so a wide kernel gives its narrow twin's
/// results bit for bit. Only GCC on x86-64 host passes (not nvcc, hipcc or clang,
/// whose target attributes differ), and not where the baseline already is AVX-512.

#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__AVX2__) && \
    defined(__FMA__) && !defined(__AVX512F__) && !defined(__CUDACC__) && !defined(__HIPCC__)
/// 1 where this build compiles wide kernels, else 0.
#define SPLINEGRID_WIDE_KERNELS 1
/// Compiles a (not force-inlined) host function for AVX-512 with 512-bit vectors.
#define SPLINEGRID_WIDE_KERNEL \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512cd,prefer-vector-width=512")))
#else
/// 1 where this build compiles wide kernels, else 0.
#define SPLINEGRID_WIDE_KERNELS 0
/// Nothing: no wide kernels in this build.
#define SPLINEGRID_WIDE_KERNEL
#endif

namespace splinegrid::Impl {

/// True if this build compiles wide kernels (see the file comment).
inline constexpr bool wide_kernels_compiled = SPLINEGRID_WIDE_KERNELS != 0;

/// True if wide kernels are compiled and this CPU (and its OS) runs the AVX-512
/// subsets they use: F, VL, BW, DQ, CD (x86-64-v4). Checked once.
inline bool wide_kernels_available() {
#if SPLINEGRID_WIDE_KERNELS
  static bool const available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd");
  }();
  return available;
#else
  return false;
#endif
}

/// The wide copy of a host kernel whose work item i is `run(i)` (EvaluateChunked,
/// EvaluateTiled): the same work, its call operator compiled for AVX-512, for host
/// spaces where wide_kernels_available(); the same results bit for bit. The call
/// operator is an ordinary function (a force-inlined one could not be inlined into
/// the backend's loop, which is compiled for the baseline): one call per work item,
/// with everything `run` force-inlines compiled into it.
template <class Kernel>
struct WideKernel : Kernel {
  using Kernel::Kernel;
  SPLINEGRID_WIDE_KERNEL void operator()(std::int64_t item) const { this->run(item); }
};

}  // namespace splinegrid::Impl

#endif
