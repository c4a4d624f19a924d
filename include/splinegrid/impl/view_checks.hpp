#ifndef SPLINEGRID_IMPL_VIEW_CHECKS_HPP
#define SPLINEGRID_IMPL_VIEW_CHECKS_HPP

/// @file
/// Compile-time and run-time checks of the Views passed to the batched entry points.

#include <splinegrid/error.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

namespace splinegrid::Impl {

/// Static requirements on a View argument: a Kokkos::View of the given rank whose
/// value type is Scalar (const allowed), accessible from ExecutionSpace.
template <class ExecutionSpace, class Scalar, int Rank, class ViewType>
constexpr void static_check_view() {
  static_assert(Kokkos::is_view<ViewType>::value, "splinegrid: argument must be a Kokkos::View");
  static_assert(int(ViewType::rank) == Rank, "splinegrid: View argument has the wrong rank");
  static_assert(
      std::is_same<typename ViewType::non_const_value_type, Scalar>::value,
      "splinegrid: View value type must be the grid's Scalar");
  static_assert(Kokkos::SpaceAccessibility<ExecutionSpace,
                                           typename ViewType::memory_space>::accessible,
                "splinegrid: View memory space is not accessible from the execution space");
}

/// Throws unless view.extent(dim) == expected; message names function and argument.
template <class ViewType>
void require_extent(ViewType const& view, int dim, std::int64_t expected, char const* function,
                    char const* argument) {
  std::int64_t const got = static_cast<std::int64_t>(view.extent(dim));
  require(got == expected, function,
          std::string(argument) + " must have extent(" + std::to_string(dim) +
              ") == " + std::to_string(expected) + ", got " + std::to_string(got));
}

}  // namespace splinegrid::Impl

#endif
