// The deterministic strategy's sort: the counting sort (host default) against the
// comparison sort (Kokkos::sort of unique keys), which must give the same order, the
// same window starts and so the same tabulated stencils, bit for bit.

#include "test_spaces.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class ViewType>
std::vector<std::int64_t> host_indices(ViewType const& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
  return std::vector<std::int64_t>(h.data(), h.data() + h.size());
}

// Sorts `points` both ways for `grid`'s geometry and compares everything sort_stencils
// returns; also checks on its own that the order is by window, ties by index.
template <class E, int Dim, class Scalar, class Points>
void check_sorts_agree(Grid<Scalar, Dim, typename E::memory_space> const& grid,
                       Points const& points, std::string const& what) {
  E exec;
  auto const eval = grid.evaluator();
  auto const counting =
      Impl::sort_stencils(exec, eval, points, "test", Impl::WindowSort::counting);
  auto const comparison =
      Impl::sort_stencils(exec, eval, points, "test", Impl::WindowSort::comparison);
  auto const perm = host_indices(counting.permutation);
  auto const begin = host_indices(counting.begin);
  EXPECT_EQ(perm, host_indices(comparison.permutation)) << what;
  EXPECT_EQ(begin, host_indices(comparison.begin)) << what;
  auto const pa = host_vector(counting.sorted_points), pb = host_vector(comparison.sorted_points);
  ASSERT_EQ(pa.size(), pb.size()) << what;
  EXPECT_TRUE(pa.empty() || std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(double)) == 0)
      << what;
  auto const wa = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, counting.weights);
  auto const wb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, comparison.weights);
  ASSERT_EQ(wa.size(), wb.size()) << what;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < wa.size(); ++i)
    differ += std::memcmp(wa.data() + i, wb.data() + i, sizeof(Scalar)) != 0;
  EXPECT_EQ(differ, 0u) << what;
  // Window starts are non-decreasing, end at N, and within a window the points are
  // in increasing index order.
  std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
  ASSERT_FALSE(begin.empty());
  EXPECT_EQ(begin.front(), 0) << what;
  EXPECT_EQ(begin.back(), n) << what;
  for (std::size_t w = 0; w + 1 < begin.size(); ++w) {
    ASSERT_LE(begin[w], begin[w + 1]) << what;
    for (std::int64_t j = begin[w] + 1; j < begin[w + 1]; ++j)
      ASSERT_LT(perm[j - 1], perm[j]) << what << " window " << w;
  }
}

template <class T>
class WindowSort : public ::testing::Test {};
TYPED_TEST_SUITE(WindowSort, ExecutionSpaces);

TYPED_TEST(WindowSort, CountingMatchesComparison) {
  using E = TypeParam;
  using Memory = typename E::memory_space;
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace, Memory>::accessible;
  E exec;
  {  // 3D, 20000 points partly outside the domain: several ranges on a threaded space
    auto grid = random_grid<E, 3>({16, 16, 16}, 1, Basis::bspline, 301);
    auto points = random_matrix<E>(20000, 3, -0.1, 1.1, 302);
    std::int64_t const parts = Impl::window_sort_parts(exec, 20000);
    EXPECT_EQ(parts, std::min<std::int64_t>(exec.concurrency(), 4));
    std::int64_t windows = 1;
    for (int k = 0; k < 3; ++k) windows *= Impl::num_windows(grid.evaluator().axis(k));
    EXPECT_EQ(Impl::use_counting_sort<E>(Impl::WindowSort::automatic, parts, windows, 20000), host);
    check_sorts_agree<E>(grid, points, "3D 16^3 bspline");
  }
  {  // 1D, many points in few windows (long ties), Catmull-Rom, a NaN and infinities
    Grid<double, 1, Memory> grid({5}, 1, Basis::catmull_rom);
    auto points = random_matrix<E>(9001, 1, 0.3, 0.6, 303);
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, points);
    h(17, 0) = std::numeric_limits<double>::quiet_NaN();
    h(4000, 0) = std::numeric_limits<double>::infinity();
    h(9000, 0) = -std::numeric_limits<double>::infinity();
    Kokkos::deep_copy(points, h);
    check_sorts_agree<E>(grid, points, "1D catmull-rom with NaN and inf");
  }
  {  // 2D float, mirror and extend boundaries
    auto grid = random_grid<E, 2, float>({40, 7}, 2, Basis::bspline, 304);
    grid.set_boundary(0, Boundary::mirror, Extrapolation::clamp);
    grid.set_boundary(1, Boundary::linear, Extrapolation::extend);
    auto points = random_matrix<E, float>(12345, 2, -0.3, 1.3, 305);
    check_sorts_agree<E>(grid, points, "2D float mirror/extend");
  }
  {  // more windows than points (the automatic choice is comparison) and tiny counts
    auto grid = random_grid<E, 3>({60, 60, 60}, 1, Basis::bspline, 306);
    for (std::int64_t n : {0, 1, 3, 500}) {
      auto points = random_matrix<E>(n, 3, 0, 1, 307);
      check_sorts_agree<E>(grid, points, "3D 60^3, " + std::to_string(n) + " points");
    }
    EXPECT_FALSE(Impl::use_counting_sort<E>(Impl::WindowSort::automatic, 1, 58 * 58 * 58, 500));
  }
}

}  // namespace
