// The adjoint's CPU fast paths against the plain code they replace, bit for bit:
// stencils computed by chunks of points against per point, and the vector scatter
// into plain rows against the scatter tap by tap; and the fast adjoint at the points
// of a PointOrder against the one without.

#include "chunk_points.hpp"
#include "test_spaces.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

template <class Scalar>
std::size_t bit_mismatches(std::vector<double> const& a, std::vector<double> const& b) {
  std::size_t bad = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool const both_nan = std::isnan(a[i]) && std::isnan(b[i]);
    if (!both_nan && std::memcmp(&a[i], &b[i], sizeof(double)) != 0) ++bad;
  }
  return bad;
}

// dL/dx and dL/dc with the chunked stencils and per point, on the reference space
// (Serial where Kokkos has it: atomic adds then happen in point order, so dL/dc is
// comparable bit for bit; else within 512 epsilons of Scalar, relative). Every
// dimension, 1 / 3 / 8 channels, both bases, clamp and extend, and chunk_test_points
// (outside the domain, ends, knots, NaN, a partial chunk).
template <int Dim, class Scalar>
void check_chunked_adjoint(std::array<std::int64_t, Dim> const& res) {
  using E = ReferenceSpace;
  using Memory = E::memory_space;
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;
  E exec;
  bool const sequential = exec.concurrency() == 1;
  for (int channels : {1, 3, 8}) {
    for (Basis basis : {Basis::bspline, Basis::catmull_rom}) {
      for (Extrapolation extrapolation : {Extrapolation::clamp, Extrapolation::extend}) {
        auto grid = random_grid<E, Dim, Scalar>(res, channels, basis, 141);
        for (int k = 0; k < Dim; ++k) grid.set_boundary(k, Boundary::linear, extrapolation);
        M points = chunk_test_points<E, Dim, Scalar>(res, 142);
        std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
        M grad_values = random_matrix<E, Scalar>(n, channels, -1, 1, 143);
        auto const eval = grid.evaluator();
        ASSERT_TRUE(Impl::chunking_fits(eval));
        std::vector<double> gp[2], gc[2];
        for (int chunked = 0; chunked < 2; ++chunked) {
          M grad_points("grad_points", n, Dim);
          typename decltype(grid)::control_points_type grad_cp("grad_cp", grid.num_control_points(),
                                                               channels);
          Impl::AtomicScatter<Scalar, Memory> scatter{grad_cp};
          Impl::launch_adjoint(exec, eval, points, grad_values, scatter, grad_points, true,
                               chunked == 1);
          exec.fence();
          gp[chunked] = host_vector(grad_points);
          gc[chunked] = host_vector(grad_cp);
        }
        std::string const what = describe<Dim>(basis, res, channels) + " " +
                                 to_string(extrapolation) + " sizeof(Scalar)=" +
                                 std::to_string(sizeof(Scalar));
        EXPECT_EQ(bit_mismatches<Scalar>(gp[0], gp[1]), 0u) << "grad_points " << what;
        EXPECT_TRUE(std::isnan(gp[1][4 * Dim + Dim - 1])) << what;
        if (sequential) {
          EXPECT_EQ(bit_mismatches<Scalar>(gc[0], gc[1]), 0u) << "grad_control_points " << what;
        } else {
          // Concurrent atomic adds sum in any order: rounding of Scalar's size (512 eps
          // relative, 1.1e-13 for double; the float sums seen differ by ~16 eps).
          double const eps = std::numeric_limits<Scalar>::epsilon();
          for (std::size_t i = 0; i < gc[0].size(); ++i)
            if (!std::isnan(gc[0][i]))
              EXPECT_NEAR(gc[0][i], gc[1][i], 512 * eps * std::max(1.0, std::fabs(gc[0][i])))
                  << what;
        }
      }
    }
  }
}

TEST(AdjointPaths, ChunkedStencilsMatchPerPoint) {
  check_chunked_adjoint<1, double>({9});
  check_chunked_adjoint<1, float>({4});
  check_chunked_adjoint<2, double>({6, 4});
  check_chunked_adjoint<3, double>({5, 4, 7});
  check_chunked_adjoint<3, float>({4, 6, 5});
  check_chunked_adjoint<4, double>({4, 5, 4, 6});
}

// Rows of K values that the scatter updates element by element (no row_data()) or,
// as the per-thread copies, as plain rows (row_data(), pitch()).
// (Kokkos function markers: scatter_taps is a host-device function, and nvcc warns
// about host-only callees.)
template <class Scalar>
struct TapRows {
  Scalar* data;
  std::int64_t rows_pitch;
  KOKKOS_INLINE_FUNCTION Scalar& operator()(std::int64_t row, int c) const {
    return data[row * rows_pitch + c];
  }
};
template <class Scalar>
struct PlainRows : TapRows<Scalar> {
  KOKKOS_INLINE_FUNCTION Scalar* row_data(std::int64_t row) const {
    return this->data + row * this->rows_pitch;
  }
  KOKKOS_INLINE_FUNCTION std::int64_t pitch() const { return this->rows_pitch; }
};
static_assert(!Impl::HasRowData<TapRows<double>>::value);
static_assert(Impl::HasRowData<PlainRows<double>>::value);

// scatter_taps through plain rows (vector updates of the last axis' four taps) and
// tap by tap: the same sums bit for bit, for 1-4 dimensions, K = 1, 2, 3, 8, both
// bases, points inside and outside, on a linear grid (consecutive taps) and with a
// wrap axis last (taps not consecutive at the seam: both take the tap path).
template <int Dim, int K, class Scalar>
void check_scatter_rows(std::array<std::int64_t, Dim> const& res, Boundary last_boundary) {
  using Host = Kokkos::DefaultHostExecutionSpace;
  for (Basis basis : {Basis::bspline, Basis::catmull_rom}) {
    auto grid = random_grid<Host, Dim, Scalar>(res, K, basis, 151);
    grid.set_boundary(Dim - 1, last_boundary, Extrapolation::clamp);
    auto const eval = grid.evaluator();
    std::int64_t const rows = grid.num_control_points();
    std::vector<Scalar> by_tap(static_cast<std::size_t>(rows * K)), by_row(by_tap.size());
    TapRows<Scalar> taps{by_tap.data(), K};
    PlainRows<Scalar> plain{{by_row.data(), K}};
    auto const points = random_matrix<Host, Scalar>(500, Dim, -0.3, 1.3, 152);
    auto const g = random_matrix<Host, Scalar>(500, K, -1, 1, 153);
    for (std::int64_t i = 0; i < 500; ++i) {
      Scalar x[Dim], gi[K];
      for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
      for (int c = 0; c < K; ++c) gi[c] = g(i, c);
      Impl::AxisStencil<Scalar, 1> st[Dim];
      eval.template stencils<1, Impl::GeneralVariant>(x, st);
      Impl::scatter_taps<K>(st, 0, gi, taps);
      Impl::scatter_taps<K>(st, 0, gi, plain);
    }
    EXPECT_EQ(std::memcmp(by_tap.data(), by_row.data(), by_tap.size() * sizeof(Scalar)), 0)
        << describe<Dim>(basis, res, K) << " last axis " << to_string(last_boundary)
        << " sizeof(Scalar)=" << sizeof(Scalar);
    double total = 0;
    for (Scalar v : by_row) total += std::fabs(double(v));
    EXPECT_GT(total, 0.0);  // the scatter wrote something
  }
}

template <int K>
void check_scatter_rows_all() {
  for (Boundary b : {Boundary::linear, Boundary::wrap}) {
    check_scatter_rows<1, K, double>({7}, b);
    check_scatter_rows<2, K, double>({5, 6}, b);
    check_scatter_rows<3, K, double>({4, 5, 6}, b);
    check_scatter_rows<3, K, float>({6, 4, 5}, b);
    check_scatter_rows<4, K, double>({4, 4, 5, 4}, b);
  }
}

TEST(AdjointPaths, VectorScatterMatchesTapByTap) {
  check_scatter_rows_all<1>();
  check_scatter_rows_all<2>();
  check_scatter_rows_all<3>();
  check_scatter_rows_all<8>();
}

// The fast strategy at the points of a PointOrder against adjoint() without it:
// grad_points bit for bit, dL/dc within 512 epsilons of Scalar (another summation
// order). On CPU spaces the grids are larger than sorted_blocks_min_bytes with
// enough blocks, so the blocks that own their rows run: bitwise the same in a second
// call, and accumulate adds to the first. A mirror axis (windows at both ends share
// rows) and a grid with per-thread copies take the other paths.
template <class ExecutionSpace, int Dim, class Scalar>
void check_sorted_fast_adjoint(std::array<std::int64_t, Dim> const& res, int channels,
                               Basis basis, Boundary boundary, Extrapolation extrapolation,
                               bool expect_blocks) {
  using Memory = typename ExecutionSpace::memory_space;
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;
  ExecutionSpace exec;
  auto grid = random_grid<ExecutionSpace, Dim, Scalar>(res, channels, basis, 161);
  grid.set_boundary(boundary, extrapolation);
  std::int64_t const n = 3000;
  M points = random_matrix<ExecutionSpace, Scalar>(n, Dim, -0.1, 1.1, 162);
  M grad_values = random_matrix<ExecutionSpace, Scalar>(n, channels, -1, 1, 163);
  PointOrder<Scalar, Dim, Memory> order(exec, grid, points);
  std::string what = describe<Dim>(basis, res, channels) + " " + to_string(boundary) + " " +
                     to_string(extrapolation) + " sizeof(Scalar)=" + std::to_string(sizeof(Scalar));
  constexpr bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecutionSpace::memory_space>::accessible;
  if (host) {  // the test exercises the path it means to
    auto const blocks = Impl::scatter_blocks(exec, grid.evaluator(), order.stencils());
    double const bytes = static_cast<double>(grid.num_control_points()) * channels * sizeof(Scalar);
    bool const blocked = bytes > Impl::sorted_blocks_min_bytes &&
                         blocks.count >= 4 * static_cast<std::int64_t>(Compat::concurrency(exec));
    // Grids sized for up to 8 threads (4 blocks per thread).
    if (Compat::concurrency(exec) <= 8) {
      ASSERT_EQ(blocked, expect_blocks) << what << ": " << blocks.count << " blocks";
    }
    what += " blocks " + std::to_string(blocks.count);
  }
  using CP = typename decltype(grid)::control_points_type;
  CP want("want", grid.num_control_points(), channels), got("got", grid.num_control_points(), channels);
  M gp_want("gp_want", n, Dim), gp_got("gp_got", n, Dim);
  adjoint(exec, grid, points, grad_values, want, gp_want);
  adjoint(exec, grid, points, grad_values, got, gp_got, order, AdjointOptions{});
  exec.fence();
  auto const w = host_vector(want), g = host_vector(got);
  double const eps = std::numeric_limits<Scalar>::epsilon();
  std::size_t far = 0;
  for (std::size_t i = 0; i < w.size(); ++i)
    far += std::fabs(w[i] - g[i]) > 512 * eps * std::max(1.0, std::fabs(w[i]));
  EXPECT_EQ(far, 0u) << what;
  EXPECT_EQ(bit_mismatches<Scalar>(host_vector(gp_want), host_vector(gp_got)), 0u) << what;
  if (host && expect_blocks) {
    CP again("again", grid.num_control_points(), channels);
    M none;
    adjoint(exec, grid, points, grad_values, again, none, order, AdjointOptions{});
    EXPECT_EQ(bit_mismatches<Scalar>(g, host_vector(again)), 0u) << "second call " << what;
  }
  AdjointOptions accumulate;
  accumulate.accumulate = true;
  adjoint(exec, grid, points, grad_values, got, gp_got, order, accumulate);
  auto const twice = host_vector(got);
  far = 0;
  for (std::size_t i = 0; i < w.size(); ++i)
    far += std::fabs(2 * w[i] - twice[i]) > 1024 * eps * std::max(1.0, std::fabs(w[i]));
  EXPECT_EQ(far, 0u) << "accumulate " << what;
}

template <class T>
class SortedFastAdjoint : public ::testing::Test {};
TYPED_TEST_SUITE(SortedFastAdjoint, ExecutionSpaces);

TYPED_TEST(SortedFastAdjoint, MatchesFastAdjoint) {
  using E = TypeParam;
  auto const lin = Boundary::linear;
  auto const clamp = Extrapolation::clamp;
  check_sorted_fast_adjoint<E, 1, double>({600000}, 1, Basis::bspline, lin, clamp, true);
  check_sorted_fast_adjoint<E, 2, double>({800, 800}, 3, Basis::catmull_rom, lin,
                                          Extrapolation::extend, true);
  check_sorted_fast_adjoint<E, 3, double>({400, 40, 40}, 1, Basis::bspline, lin, clamp, true);
  check_sorted_fast_adjoint<E, 3, double>({400, 40, 40}, 3, Basis::catmull_rom,
                                          Boundary::not_a_knot, Extrapolation::extend, true);
  check_sorted_fast_adjoint<E, 3, float>({660, 40, 40}, 1, Basis::bspline, lin, clamp, true);
  check_sorted_fast_adjoint<E, 3, double>({400, 40, 40}, 1, Basis::bspline, Boundary::mirror,
                                          clamp, false);
  check_sorted_fast_adjoint<E, 3, double>({20, 20, 20}, 2, Basis::bspline, lin, clamp, false);
}

}  // namespace
