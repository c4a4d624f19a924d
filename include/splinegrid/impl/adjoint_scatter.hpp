#ifndef SPLINEGRID_IMPL_ADJOINT_SCATTER_HPP
#define SPLINEGRID_IMPL_ADJOINT_SCATTER_HPP

/// @file
/// Where the fast adjoint adds dL/dc: per-thread private copies of the gradient
/// (CPU spaces, small grids; summed afterwards in a fixed order), atomics into the
/// gradient itself (GPU spaces, large grids) or, at points sorted by window on CPU
/// spaces, plain adds by blocks of points that own their rows (DirectScatter). Each
/// hands the kernel an accessor `access(row, c) += value` that it obtains once per
/// work item; the private one is a raw pointer into this thread's copy, which
/// compiles to a plain add (Kokkos' ScatterView access costs a token lookup and a
/// rank-3 index per add).

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>

namespace splinegrid::Impl {

/// Per-thread copies (copies.extent(0) = token.size()) of a (rows, C) gradient.
template <class Scalar, class ExecutionSpace>
struct PrivateScatter {
  using Token = Kokkos::Experimental::UniqueToken<ExecutionSpace,
                                                  Kokkos::Experimental::UniqueTokenScope::Global>;
  using Copies = Kokkos::View<Scalar***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space>;
  Copies copies;
  Token token;

  /// This thread's copy, held for one work item (releases the token when done).
  class Access {
   public:
    KOKKOS_INLINE_FUNCTION Access(Copies const& copies, Token const& token)
        : m_token(token), m_id(token.acquire()),
          m_data(copies.data() + static_cast<std::int64_t>(m_id) *
                                     static_cast<std::int64_t>(copies.extent(1) * copies.extent(2))),
          m_pitch(static_cast<std::int64_t>(copies.extent(2))) {}
    Access(Access const&) = delete;
    Access& operator=(Access const&) = delete;
    KOKKOS_INLINE_FUNCTION ~Access() { m_token.release(m_id); }
    KOKKOS_FORCEINLINE_FUNCTION Scalar& operator()(std::int64_t row, int c) const {
      return m_data[row * m_pitch + c];
    }
    /// Row `row` of this thread's copy (C values; rows pitch() apart).
    KOKKOS_FORCEINLINE_FUNCTION Scalar* row_data(std::int64_t row) const { return m_data + row * m_pitch; }
    /// Values from one row of the copy to the next (the channel count C).
    KOKKOS_FORCEINLINE_FUNCTION std::int64_t pitch() const { return m_pitch; }

   private:
    Token m_token;
    int m_id;
    Scalar* m_data;
    std::int64_t m_pitch;
  };

  KOKKOS_INLINE_FUNCTION Access access() const { return Access(copies, token); }
};

/// Atomic adds straight into the gradient.
template <class Scalar, class MemorySpace>
struct AtomicScatter {
  Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace, Kokkos::MemoryTraits<Kokkos::Atomic>> grad;
  KOKKOS_INLINE_FUNCTION auto const& access() const { return grad; }
};

/// Plain adds straight into the gradient, for work items that own the rows they
/// touch (the fast adjoint by blocks of sorted points, see scatter_blocks.hpp). The
/// accessor has the private copies' interface, so the scatter takes their
/// vectorised path.
template <class Scalar, class MemorySpace>
struct DirectScatter {
  Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> grad;

  struct Access {
    Scalar* data;
    std::int64_t row_pitch;
    KOKKOS_FORCEINLINE_FUNCTION Scalar& operator()(std::int64_t row, int c) const {
      return data[row * row_pitch + c];
    }
    /// Row `row` of the gradient (C values; rows pitch() apart).
    KOKKOS_FORCEINLINE_FUNCTION Scalar* row_data(std::int64_t row) const { return data + row * row_pitch; }
    /// Values from one row to the next (the channel count C).
    KOKKOS_FORCEINLINE_FUNCTION std::int64_t pitch() const { return row_pitch; }
  };

  KOKKOS_INLINE_FUNCTION Access access() const {
    return Access{grad.data(), static_cast<std::int64_t>(grad.extent(1))};
  }
};

/// grad(r, c) += sum over copies t (in order t = 0, 1, ...) of copies(t, r, c).
template <class ExecutionSpace, class Copies, class Grad>
void sum_copies_into(ExecutionSpace const& exec, Copies const& copies, Grad const& grad) {
  std::int64_t const channels = static_cast<std::int64_t>(grad.extent(1));
  std::int64_t const size = static_cast<std::int64_t>(grad.extent(0)) * channels;
  std::int64_t const count = static_cast<std::int64_t>(copies.extent(0));
  Kokkos::parallel_for(
      "splinegrid::adjoint::sum_copies",
      Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<std::int64_t>>(exec, 0, size),
      KOKKOS_LAMBDA(std::int64_t e) {
        std::int64_t const r = e / channels, c = e % channels;
        auto sum = grad(r, c);
        for (std::int64_t t = 0; t < count; ++t) sum += copies(t, r, c);
        grad(r, c) = sum;
      });
}

}  // namespace splinegrid::Impl

#endif
