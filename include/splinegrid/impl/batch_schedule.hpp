#ifndef SPLINEGRID_IMPL_BATCH_SCHEDULE_HPP
#define SPLINEGRID_IMPL_BATCH_SCHEDULE_HPP

/// @file
/// Mini-batch order for stochastic fitting: epochs are permutations of this
/// process' observations drawn from (seed, epoch, rank) alone, so batch t can be
/// recomputed at any time (a resumed fit draws the same batches as an uninterrupted
/// one) and does not depend on the standard library's random distributions.

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace splinegrid::Impl {

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fully specified generator.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Uniform integer in [0, bound) without modulo bias (bound >= 1).
inline std::uint64_t uniform_below(std::uint64_t& state, std::uint64_t bound) {
  std::uint64_t const limit = ~std::uint64_t(0) - (~std::uint64_t(0) % bound);
  std::uint64_t x;
  do {
    x = splitmix64(state);
  } while (x >= limit);
  return x % bound;
}

template <class MemorySpace>
class BatchSchedule {
 public:
  using index_type = Kokkos::View<std::int64_t*, MemorySpace>;

  /// full: every process uses all its observations every step (decided globally, so
  /// that all processes take the same collective path).
  BatchSchedule(bool full, std::int64_t local_size, std::int64_t batch, std::uint64_t seed,
                int rank)
      : m_full(full), m_size(local_size), m_batch(batch), m_seed(seed), m_rank(rank) {
    m_per_epoch = m_batch > 0 ? (m_size + m_batch - 1) / m_batch : 1;
  }

  bool full_batch() const { return m_full; }

  /// Indices of this process' observations in batch `t` (t = 0, 1, ...).
  index_type const& batch(std::int64_t t) {
    std::int64_t const epoch = t / m_per_epoch;
    std::int64_t const slot = t % m_per_epoch;
    if (epoch != m_epoch) shuffle(epoch);
    std::int64_t const begin = slot * m_batch;
    std::int64_t const end = begin + m_batch < m_size ? begin + m_batch : m_size;
    auto host = Kokkos::create_mirror_view(m_indices);
    if (static_cast<std::int64_t>(m_indices.extent(0)) != end - begin) {
      m_indices = index_type(std::string("splinegrid::batch"), end - begin);
      host = Kokkos::create_mirror_view(m_indices);
    }
    for (std::int64_t i = begin; i < end; ++i) host(i - begin) = m_order[i];
    Kokkos::deep_copy(m_indices, host);
    return m_indices;
  }

 private:
  void shuffle(std::int64_t epoch) {
    m_order.resize(static_cast<std::size_t>(m_size));
    for (std::int64_t i = 0; i < m_size; ++i) m_order[i] = i;
    std::uint64_t state = m_seed;
    splitmix64(state);
    state ^= 0x5851f42d4c957f2dULL * static_cast<std::uint64_t>(epoch + 1);
    state ^= 0x2545f4914f6cdd1dULL * static_cast<std::uint64_t>(m_rank + 1);
    for (std::int64_t i = m_size - 1; i > 0; --i) {  // Fisher-Yates
      std::int64_t const j = static_cast<std::int64_t>(uniform_below(state, std::uint64_t(i + 1)));
      std::swap(m_order[i], m_order[j]);
    }
    m_epoch = epoch;
  }

  bool m_full;
  std::int64_t m_size, m_batch;
  std::uint64_t m_seed;
  int m_rank;
  std::int64_t m_per_epoch;
  std::int64_t m_epoch = -1;
  std::vector<std::int64_t> m_order;
  index_type m_indices;
};

}  // namespace splinegrid::Impl

#endif
