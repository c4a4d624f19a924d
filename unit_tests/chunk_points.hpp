#ifndef SPLINEGRID_TEST_CHUNK_POINTS_HPP
#define SPLINEGRID_TEST_CHUNK_POINTS_HPP

// Points for the tests of the chunked-stencil kernels against the per-point ones.

#include "test_spaces.hpp"

#include <limits>

namespace splinegrid::test {

/// chunk_points * 10 + 5 points (10 full chunks and a partial one) uniform in [-0.2, 1.2)
/// (outside the domain on both sides), with the ends, the first knot and the last
/// interval on every axis in rows 0-3, and a NaN coordinate in row 4.
template <class ExecutionSpace, int Dim, class Scalar>
Kokkos::View<Scalar**, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> chunk_test_points(
    std::array<std::int64_t, Dim> const& res, std::uint64_t seed) {
  auto points = random_matrix<ExecutionSpace, Scalar>(Impl::chunk_points * 10 + 5, Dim, -0.2, 1.2, seed);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, points);
  for (int k = 0; k < Dim; ++k) {
    host(0, k) = 0;                                        // lower end
    host(1, k) = 1;                                        // upper end
    host(2, k) = Scalar(1) / Scalar(res[k] - 1);           // first knot
    host(3, k) = Scalar(res[k] - 2) / Scalar(res[k] - 1);  // last interval
  }
  host(4, Dim - 1) = std::numeric_limits<Scalar>::quiet_NaN();
  Kokkos::deep_copy(points, host);
  return points;
}

}  // namespace splinegrid::test

#endif
