#ifndef SPLINEGRID_IMPL_PERMUTED_ROWS_HPP
#define SPLINEGRID_IMPL_PERMUTED_ROWS_HPP

/// @file
/// A rank-2 View seen through a row permutation: row j of the adapter is row
/// permutation(j) of the View. Lets evaluate() with a PointOrder write results in the
/// caller's order while its work items walk the points in sorted order; with
/// CopyRows, copies into sorted order and back.

#include <Kokkos_Core.hpp>

#include <cstdint>

namespace splinegrid::Impl {

template <class ViewType, class Permutation>
struct PermutedRows {
  ViewType view;
  Permutation permutation;

  KOKKOS_FORCEINLINE_FUNCTION decltype(auto) operator()(std::int64_t j, int k) const {
    return view(permutation(j), k);
  }
  KOKKOS_INLINE_FUNCTION std::size_t extent(int r) const { return view.extent(r); }
};

/// to(j, c) = from(j, c) for row j and every column of `to`: with a PermutedRows as
/// `from`, a gather into sorted order; as `to`, the scatter back.
template <class From, class To>
struct CopyRows {
  From from;
  To to;
  KOKKOS_INLINE_FUNCTION void operator()(std::int64_t j) const {
    for (std::size_t c = 0; c < to.extent(1); ++c) to(j, static_cast<int>(c)) = from(j, static_cast<int>(c));
  }
};

}  // namespace splinegrid::Impl

#endif
