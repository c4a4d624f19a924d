// The device-callable Evaluator inside a user kernel, and channel blocking.

#include "chunk_points.hpp"
#include "test_spaces.hpp"

#include <cmath>
#include <limits>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;

// A user kernel calling every per-point entry of the evaluator; results go to flat
// per-point rows so the batched entry points can be compared.
template <class ExecutionSpace, int Dim>
void user_kernel(Grid<double, Dim, typename ExecutionSpace::memory_space> const& grid,
                 Matrix<ExecutionSpace> points, Matrix<ExecutionSpace> values,
                 Matrix<ExecutionSpace> single, Matrix<ExecutionSpace> grads,
                 Matrix<ExecutionSpace> hess, Matrix<ExecutionSpace> grad_values,
                 Matrix<ExecutionSpace> grad_points) {
  auto const eval = grid.evaluator();
  Kokkos::parallel_for(
      "test::user_kernel", Kokkos::RangePolicy<ExecutionSpace>(0, points.extent(0)),
      KOKKOS_LAMBDA(int i) {
        Kokkos::Array<double, Dim> x;
        for (int k = 0; k < Dim; ++k) x[k] = points(i, k);
        eval.values(x, Kokkos::subview(values, i, Kokkos::ALL));
        for (int c = 0; c < eval.channels(); ++c) single(i, c) = eval.value(x, c);
        double v[16], g[16 * 4], h[16 * 16];
        eval.hessians(x, v, g, h);
        for (int j = 0; j < eval.channels() * Dim; ++j) grads(i, j) = g[j];
        for (int j = 0; j < eval.channels() * Dim * Dim; ++j) hess(i, j) = h[j];
        typename decltype(eval)::NoScatter none;
        eval.adjoint(x, Kokkos::subview(grad_values, i, Kokkos::ALL), none,
                     Kokkos::subview(grad_points, i, Kokkos::ALL));
      });
}

template <class ExecutionSpace, int Dim>
void check_user_kernel(std::array<std::int64_t, Dim> const& res) {
  ExecutionSpace exec;
  for (int channels : {1, 2, 3, 4, 5, 7, 8, 11, 16}) {
    auto grid = random_grid<ExecutionSpace, Dim>(res, channels, Basis::bspline, 81);
    std::int64_t const n = 64;
    auto points = random_matrix<ExecutionSpace>(n, Dim, -0.1, 1.1, 82);
    auto gv = random_matrix<ExecutionSpace>(n, channels, -1, 1, 83);
    Matrix<ExecutionSpace> values("values", n, channels), single("single", n, channels),
        grads("grads", n, channels * Dim), hess("hess", n, channels * Dim * Dim),
        gp("gp", n, Dim), ref_values("ref_values", n, channels), ref_gp("ref_gp", n, Dim);
    Kokkos::View<double***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> ref_grads(
        "ref_grads", n, channels, Dim);
    Kokkos::View<double****, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> ref_hess(
        "ref_hess", n, channels, Dim, Dim);
    user_kernel<ExecutionSpace, Dim>(grid, points, values, single, grads, hess, gv, gp);
    evaluate_hessians(exec, grid, points, ref_values, ref_grads, ref_hess);
    typename decltype(grid)::control_points_type none;
    adjoint(exec, grid, points, gv, none, ref_gp);
    exec.fence();
    auto const rv = host_vector(ref_values);
    auto const hrg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, ref_grads);
    auto const hrh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, ref_hess);
    std::string const what = describe<Dim>(Basis::bspline, res, channels);
    EXPECT_EQ(host_vector(values), rv) << what;
    auto const s = host_vector(single);
    for (std::size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(s[i], rv[i], 1e-14) << what;
    EXPECT_EQ(host_vector(grads), std::vector<double>(hrg.data(), hrg.data() + hrg.size())) << what;
    EXPECT_EQ(host_vector(hess), std::vector<double>(hrh.data(), hrh.data() + hrh.size())) << what;
    EXPECT_EQ(host_vector(gp), host_vector(ref_gp)) << what;
  }
}

template <class T>
class EvaluatorTest : public ::testing::Test {};
TYPED_TEST_SUITE(EvaluatorTest, ExecutionSpaces);

TYPED_TEST(EvaluatorTest, UserKernelMatchesBatchedCalls) {
  check_user_kernel<TypeParam, 1>({5});
  check_user_kernel<TypeParam, 2>({3, 4});
  check_user_kernel<TypeParam, 3>({2, 4, 3});
  check_user_kernel<TypeParam, 4>({2, 3, 1, 4});
}

// Each channel of a C-channel grid equals a 1-channel grid holding that channel, bit
// for bit: channel blocking (8, 4, 3, 2, 1) never mixes channels, and the forward
// kernels with C fixed at 3 and 8 compute what the C = 1 kernel does.
template <class ExecutionSpace>
void check_channels_independent() {
  ExecutionSpace exec;
  for (int channels : {1, 2, 3, 5, 6, 7, 8, 9, 12, 13}) {
    auto grid = random_grid<ExecutionSpace, 2>({5, 4}, channels, Basis::catmull_rom, 91);
    auto points = random_matrix<ExecutionSpace>(100, 2, 0, 1, 92);
    Matrix<ExecutionSpace> values("values", 100, channels), one("one", 100, 1);
    evaluate(exec, grid, points, values);
    auto const all = host_vector(values);
    auto const cp = grid.copy_to_channel_first();
    for (int c = 0; c < channels; ++c) {
      Grid<double, 2, typename ExecutionSpace::memory_space> g({5, 4}, 1, Basis::catmull_rom);
      g.copy_from_channel_first(std::vector<double>(cp.begin() + c * 20, cp.begin() + (c + 1) * 20));
      evaluate(exec, g, points, one);
      auto const v = host_vector(one);
      for (int i = 0; i < 100; ++i) EXPECT_EQ(all[i * channels + c], v[i]) << "C=" << channels << " c=" << c;
    }
  }
}

TYPED_TEST(EvaluatorTest, ChannelsAreIndependent) { check_channels_independent<TypeParam>(); }

// A physical domain [lo, hi] is the unit grid at mapped coordinates, with
// gradients scaled by 1/(hi - lo).
template <class ExecutionSpace>
void check_physical_domain() {
  ExecutionSpace exec;
  Domain<2> domain;
  domain.lo = {-2.0, 10.0};
  domain.hi = {3.0, 10.5};
  auto unit = random_grid<ExecutionSpace, 2>({6, 4}, 2, Basis::bspline, 101);
  auto phys = random_grid<ExecutionSpace, 2>({6, 4}, 2, Basis::bspline, 101, domain);
  auto u = random_matrix<ExecutionSpace>(200, 2, -0.1, 1.1, 102);
  Matrix<ExecutionSpace> x("x", 200, 2), vu("vu", 200, 2), vx("vx", 200, 2);
  Kokkos::View<double***, Kokkos::LayoutRight, typename ExecutionSpace::memory_space> gu("gu", 200, 2, 2),
      gx("gx", 200, 2, 2);
  auto hu = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, u);
  auto hx = Kokkos::create_mirror_view(x);
  for (int i = 0; i < 200; ++i)
    for (int k = 0; k < 2; ++k) hx(i, k) = domain.lo[k] + hu(i, k) * (domain.hi[k] - domain.lo[k]);
  Kokkos::deep_copy(x, hx);
  evaluate_gradients(exec, unit, u, vu, gu);
  evaluate_gradients(exec, phys, x, vx, gx);
  auto const a = host_vector(vu), b = host_vector(vx);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12);
  auto const hgu = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, gu);
  auto const hgx = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, gx);
  for (int i = 0; i < 200; ++i)
    for (int c = 0; c < 2; ++c)
      for (int k = 0; k < 2; ++k)
        EXPECT_NEAR(hgx(i, c, k) * (domain.hi[k] - domain.lo[k]), hgu(i, c, k),
                    1e-9 * (1 + std::fabs(hgu(i, c, k))));
}

TYPED_TEST(EvaluatorTest, PhysicalDomainIsAnAffineMap) { check_physical_domain<TypeParam>(); }

// The GPU strategy (grid staged in team scratch) gives the flat kernel's results bit
// for bit; forced here on host spaces, where it is otherwise not chosen.
template <class ExecutionSpace, int Dim>
void check_staged(std::array<std::int64_t, Dim> const& res, Boundary boundary) {
  ExecutionSpace exec;
  for (int channels : {1, 3, 8}) {
    for (Basis basis : {Basis::bspline, Basis::catmull_rom}) {
      auto grid = random_grid<ExecutionSpace, Dim>(res, channels, basis, 111);
      for (int k = 0; k < Dim; ++k) grid.set_boundary(k, boundary, Extrapolation::clamp);
      std::int64_t const n = 9000;  // three teams, the last one partial
      auto points = random_matrix<ExecutionSpace>(n, Dim, -0.1, 1.1, 112);
      Matrix<ExecutionSpace> flat("flat", n, channels), staged("staged", n, channels);
      auto const eval = grid.evaluator();
      if (!Impl::staging_fits<ExecutionSpace>(eval)) continue;
      Impl::launch_evaluate(exec, eval, points, flat, Impl::EvaluateStrategy::flat);
      Impl::launch_evaluate(exec, eval, points, staged, Impl::EvaluateStrategy::staged);
      exec.fence();
      EXPECT_EQ(host_vector(flat), host_vector(staged)) << describe<Dim>(basis, res, channels);
    }
  }
}

TYPED_TEST(EvaluatorTest, StagedStrategyMatchesFlat) {
  using E = TypeParam;
  check_staged<E, 1>({9}, Boundary::linear);
  check_staged<E, 2>({6, 3}, Boundary::linear);
  check_staged<E, 3>({5, 4, 6}, Boundary::mirror);
  check_staged<E, 4>({3, 4, 2, 5}, Boundary::linear);
  // Too big for level-0 scratch (32 KiB on host spaces): refused with a clear error.
  auto big = random_grid<E, 1>({5000}, 1, Basis::bspline, 113);
  auto points = random_matrix<E>(10, 1, 0, 1, 114);
  Matrix<E> values("values", 10, 1);
  ASSERT_FALSE(Impl::staging_fits<E>(big.evaluator()));
  try {
    Impl::launch_evaluate(E{}, big.evaluator(), points, values, Impl::EvaluateStrategy::staged);
    ADD_FAILURE() << "staged strategy accepted a grid larger than scratch";
  } catch (std::invalid_argument const& e) {
    EXPECT_NE(std::string(e.what()).find("splinegrid::evaluate"), std::string::npos);
  }
}

// Entries that differ (NaN equals NaN; otherwise ==, so -0 and +0 agree), or 1 if
// the sizes differ.
std::size_t mismatches(std::vector<double> const& a, std::vector<double> const& b) {
  std::size_t bad = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) ++bad;
  return bad;
}

// The CPU strategy (stencils vectorised across chunks of points) gives the flat
// kernel's results bit for bit: every dimension, channel counts with and without
// fixed-C kernels, both bases, clamp and extend, points outside the domain, at the
// ends, on knots and NaN, a partial last chunk, float and double.
template <class ExecutionSpace, int Dim, class Scalar>
void check_chunked(std::array<std::int64_t, Dim> const& res) {
  ExecutionSpace exec;
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, typename ExecutionSpace::memory_space>;
  for (int channels : {1, 3, 5, 8}) {
    for (Basis basis : {Basis::bspline, Basis::catmull_rom}) {
      for (Extrapolation extrapolation : {Extrapolation::clamp, Extrapolation::extend}) {
        auto grid = random_grid<ExecutionSpace, Dim, Scalar>(res, channels, basis, 121);
        for (int k = 0; k < Dim; ++k) grid.set_boundary(k, Boundary::linear, extrapolation);
        M points = chunk_test_points<ExecutionSpace, Dim, Scalar>(res, 122);
        std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
        M flat("flat", n, channels), chunked("chunked", n, channels);
        auto const eval = grid.evaluator();
        ASSERT_TRUE(Impl::chunking_fits(eval));
        Impl::launch_evaluate(exec, eval, points, flat, Impl::EvaluateStrategy::flat);
        Impl::launch_evaluate(exec, eval, points, chunked, Impl::EvaluateStrategy::chunked);
        exec.fence();
        auto const b = host_vector(chunked);
        EXPECT_EQ(mismatches(host_vector(flat), b), 0u)
            << describe<Dim>(basis, res, channels) << " " << to_string(extrapolation)
            << " sizeof(Scalar)=" << sizeof(Scalar);
        EXPECT_TRUE(std::isnan(b[4 * static_cast<std::size_t>(channels)]));
        std::vector<Impl::EvaluateStrategy> strategies{Impl::EvaluateStrategy::chunked};
        if (Impl::wide_chunking_fits(eval))  // C = 8 on an AVX-512 CPU
          strategies.push_back(Impl::EvaluateStrategy::chunked_wide);
        for (auto const strategy : strategies) {
          for (auto const tiling : {Impl::PointTiling::off, Impl::PointTiling::on}) {
            M out("out", n, channels);
            Impl::launch_evaluate(exec, eval, points, out, strategy, tiling);
            exec.fence();
            EXPECT_EQ(mismatches(host_vector(flat), host_vector(out)), 0u)
                << (strategy == Impl::EvaluateStrategy::chunked ? "chunked" : "wide")
                << (tiling == Impl::PointTiling::on ? " tiled: " : ": ")
                << describe<Dim>(basis, res, channels) << " " << to_string(extrapolation)
                << " sizeof(Scalar)=" << sizeof(Scalar);
          }
        }
      }
    }
  }
}

TYPED_TEST(EvaluatorTest, ChunkedStrategyMatchesFlat) {
  using E = TypeParam;
  if constexpr (Impl::is_device_space<E>) {
    GTEST_SKIP() << "the chunked strategy is for CPU spaces";
  } else {
    check_chunked<E, 1, double>({9});
    check_chunked<E, 1, float>({4});
    check_chunked<E, 2, double>({6, 4});
    check_chunked<E, 2, float>({16, 5});
    check_chunked<E, 3, double>({5, 4, 7});
    check_chunked<E, 3, float>({4, 6, 5});
    check_chunked<E, 4, double>({4, 5, 4, 6});
    check_chunked<E, 4, float>({5, 4, 4, 4});
  }
}

// Host copy of a contiguous View of any rank, in its memory order.
template <class ViewType>
std::vector<double> host_elements(ViewType const& v) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
  std::vector<double> out(h.span());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = double(h.data()[i]);
  return out;
}

// evaluate_gradients() / evaluate_hessians() by chunks of points (forced; the CPU
// default for gradients and one-channel Hessians) against one point per work item:
// values, gradients and Hessians bit for bit, for the cases of check_chunked.
template <class ExecutionSpace, int Order, int Dim, class Scalar>
void check_chunked_derivatives(std::array<std::int64_t, Dim> const& res) {
  ExecutionSpace exec;
  using Memory = typename ExecutionSpace::memory_space;
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory>;
  using G = Kokkos::View<Scalar***, Kokkos::LayoutRight, Memory>;
  using H = Kokkos::View<Scalar****, Kokkos::LayoutRight, Memory>;
  for (int channels : {1, 3, 5, 8}) {
    for (Basis basis : {Basis::bspline, Basis::catmull_rom}) {
      for (Extrapolation extrapolation : {Extrapolation::clamp, Extrapolation::extend}) {
        auto grid = random_grid<ExecutionSpace, Dim, Scalar>(res, channels, basis, 123);
        for (int k = 0; k < Dim; ++k) grid.set_boundary(k, Boundary::linear, extrapolation);
        M points = chunk_test_points<ExecutionSpace, Dim, Scalar>(res, 124);
        std::int64_t const n = static_cast<std::int64_t>(points.extent(0));
        auto const eval = grid.evaluator();
        ASSERT_TRUE(Impl::chunking_fits(eval));
        EXPECT_EQ(Impl::chunk_derivatives_by_default<Order>(eval), Order == 1 || channels == 1);
        std::vector<double> out[2][3];
        Impl::EvaluateStrategy const strategy[2] = {Impl::EvaluateStrategy::flat,
                                                    Impl::EvaluateStrategy::chunked};
        for (int chunked = 0; chunked < 2; ++chunked) {
          M values("values", n, channels);
          G gradients("gradients", n, channels, Dim);
          H hessians("hessians", Order == 2 ? n : 0, channels, Dim, Dim);
          if constexpr (Order == 1) {
            Impl::launch_derivatives<1>(exec, eval, points, values, gradients, gradients,
                                        strategy[chunked]);
          } else {
            Impl::launch_derivatives<2>(exec, eval, points, values, gradients, hessians,
                                        strategy[chunked]);
          }
          exec.fence();
          out[chunked][0] = host_vector(values);
          out[chunked][1] = host_elements(gradients);
          out[chunked][2] = host_elements(hessians);
        }
        std::string const what = describe<Dim>(basis, res, channels) + " " +
                                 to_string(extrapolation) + " order " + std::to_string(Order) +
                                 " sizeof(Scalar)=" + std::to_string(sizeof(Scalar));
        EXPECT_EQ(mismatches(out[0][0], out[1][0]), 0u) << "values " << what;
        EXPECT_EQ(mismatches(out[0][1], out[1][1]), 0u) << "gradients " << what;
        EXPECT_EQ(mismatches(out[0][2], out[1][2]), 0u) << "hessians " << what;
        EXPECT_TRUE(std::isnan(out[1][0][4 * static_cast<std::size_t>(channels)])) << what;
      }
    }
  }
}

TYPED_TEST(EvaluatorTest, ChunkedDerivativesMatchPerPoint) {
  using E = TypeParam;
  if constexpr (Impl::is_device_space<E>) {
    GTEST_SKIP() << "chunked derivatives are for CPU spaces";
  } else {
    check_chunked_derivatives<E, 1, 1, double>({9});
    check_chunked_derivatives<E, 2, 1, float>({4});
    check_chunked_derivatives<E, 1, 2, float>({16, 5});
    check_chunked_derivatives<E, 2, 2, double>({6, 4});
    check_chunked_derivatives<E, 1, 3, double>({5, 4, 7});
    check_chunked_derivatives<E, 2, 3, double>({4, 6, 5});
    check_chunked_derivatives<E, 2, 3, float>({5, 4, 6});
    check_chunked_derivatives<E, 1, 4, float>({4, 5, 4, 6});
    check_chunked_derivatives<E, 2, 4, double>({5, 4, 4, 4});
    // No staged strategy for derivatives: refused, naming the function.
    auto grid = random_grid<E, 2>({5, 5}, 1, Basis::bspline, 125);
    auto points = random_matrix<E>(10, 2, 0, 1, 126);
    Matrix<E> values("values", 10, 1);
    Kokkos::View<double***, Kokkos::LayoutRight, typename E::memory_space> gradients("g", 10, 1, 2);
    try {
      Impl::launch_derivatives<1>(E{}, grid.evaluator(), points, values, gradients, gradients,
                                  Impl::EvaluateStrategy::staged);
      ADD_FAILURE() << "staged strategy accepted for derivatives";
    } catch (std::invalid_argument const& e) {
      EXPECT_NE(std::string(e.what()).find("splinegrid::evaluate_gradients"), std::string::npos);
    }
  }
}

// Cell tiling of the chunked forward kernel (tiled_evaluate.hpp): over several
// tiles and a partial one, with points outside the domain, tiled gives the flat
// kernel's values bit for bit (each output written exactly once: the outputs start
// at a value no evaluation gives); TilePlan keeps at most tile_buckets_max buckets
// in row-major order; tiling_pays picks it for the fixed C = 8 kernel in 3D and 4D
// on grids beyond L1 with enough points only.
template <class E, class Scalar>
void check_tiled() {
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, typename E::memory_space>;
  E exec;
  auto eight = random_grid<E, 3, Scalar>({16, 13, 18}, 8, Basis::catmull_rom, 151);
  std::int64_t const n = 3 * Impl::tile_points + 37;  // three tiles, one partial
  auto const p = random_matrix<E, Scalar>(n, 3, -0.05, 1.05, 152);
  {  // coordinates the bucket computation must clamp: NaN, +-inf, huge
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, p);
    Scalar const inf = std::numeric_limits<Scalar>::infinity();
    host(5, 0) = std::numeric_limits<Scalar>::quiet_NaN();
    host(Impl::tile_points + 7, 1) = inf;
    host(Impl::tile_points + 8, 2) = -inf;
    for (int k = 0; k < 3; ++k) host(2 * Impl::tile_points + 9, k) = Scalar(-1e30);
    for (int k = 0; k < 3; ++k) host(2 * Impl::tile_points + 10, k) = Scalar(1e30);
    Kokkos::deep_copy(p, host);
  }
  M flat("flat", n, 8);
  Impl::launch_evaluate(exec, eight.evaluator(), p, flat, Impl::EvaluateStrategy::flat);
  std::vector<Impl::EvaluateStrategy> strategies{Impl::EvaluateStrategy::chunked};
  if (Impl::wide_chunking_fits(eight.evaluator())) strategies.push_back(Impl::EvaluateStrategy::chunked_wide);
  for (auto const strategy : strategies) {
    M tiled("tiled", n, 8);
    Kokkos::deep_copy(tiled, Scalar(1e30));
    Impl::launch_evaluate(exec, eight.evaluator(), p, tiled, strategy, Impl::PointTiling::on);
    exec.fence();
    auto const ref = host_vector(flat);
    EXPECT_EQ(mismatches(ref, host_vector(tiled)), 0u)
        << (strategy == Impl::EvaluateStrategy::chunked ? "chunked" : "wide")
        << " sizeof(Scalar)=" << sizeof(Scalar);
    std::size_t real = 0;
    for (double v : ref) real += std::isfinite(v) && v != 0 && std::abs(v) < 1e29 ? 1 : 0;
    EXPECT_EQ(real, ref.size() - 8);  // all but the NaN point's 8 channels
    EXPECT_TRUE(std::isnan(ref[5 * 8]));
  }
}

TYPED_TEST(EvaluatorTest, TiledChunkedMatchesFlat) {
  using E = TypeParam;
  if constexpr (Impl::is_device_space<E>) {
    GTEST_SKIP() << "the chunked strategy is for CPU spaces";
  } else {
    check_tiled<E, double>();
    check_tiled<E, float>();
  }
}

TYPED_TEST(EvaluatorTest, TilePlanAndAutomaticTiling) {
  using E = TypeParam;
  auto const plan_of = [](auto const& grid) {
    return Impl::TilePlan<std::decay_t<decltype(grid)>::dimension>(grid.evaluator());
  };
  auto const cube = random_grid<E, 3>({16, 16, 16}, 8, Basis::bspline, 161);
  auto const plan = plan_of(cube);  // 15 intervals per axis: 8 blocks of 2 each
  EXPECT_EQ(plan.buckets, 512);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(plan.shift[k], 1);
  EXPECT_EQ(plan.stride[2], 1);
  EXPECT_EQ(plan.stride[1], 8);
  EXPECT_EQ(plan.stride[0], 64);
  auto const long_axis = random_grid<E, 3>({4, 5000, 6}, 1, Basis::bspline, 162);
  auto const lp = plan_of(long_axis);  // the long axis' blocks grow until <= 512 in all
  EXPECT_LE(lp.buckets, Impl::tile_buckets_max);
  EXPECT_EQ(lp.shift[0], 1);
  EXPECT_EQ(lp.shift[2], 1);
  EXPECT_EQ(lp.buckets, 2 * (((5000 - 2) >> lp.shift[1]) + 1) * 3);
  EXPECT_GT(2 * (((5000 - 2) >> (lp.shift[1] - 1)) + 1) * 3, Impl::tile_buckets_max);
  auto const four = random_grid<E, 4>({16, 16, 16, 16}, 8, Basis::bspline, 163);
  EXPECT_LE(plan_of(four).buckets, Impl::tile_buckets_max);

  std::int64_t const many = 4 * Impl::tile_points * 2;
  EXPECT_TRUE(Impl::tiling_pays(cube.evaluator(), many, 2));
  EXPECT_FALSE(Impl::tiling_pays(cube.evaluator(), many - 1, 2));  // under four tiles a thread
  EXPECT_TRUE(Impl::tiling_pays(four.evaluator(), many, 2));
  auto const three = random_grid<E, 3>({16, 16, 16}, 3, Basis::bspline, 164);
  auto const small = random_grid<E, 3>({5, 5, 5}, 8, Basis::bspline, 165);  // 8 KB: in L1
  auto const plane = random_grid<E, 2>({64, 64}, 8, Basis::bspline, 166);
  EXPECT_FALSE(Impl::tiling_pays(three.evaluator(), many, 2));
  EXPECT_FALSE(Impl::tiling_pays(small.evaluator(), many, 2));
  EXPECT_FALSE(Impl::tiling_pays(plane.evaluator(), many, 2));
}

// evaluate() picks the chunked strategy on CPU spaces only where it applies (torch
// rules, 4 <= n per axis); forcing it elsewhere is a clear error.
TYPED_TEST(EvaluatorTest, ChunkedStrategyOnlyWhereItFits) {
  using E = TypeParam;
  auto small = random_grid<E, 2>({5, 3}, 1, Basis::bspline, 131);  // an axis of 3
  auto mirrored = random_grid<E, 2>({5, 5}, 1, Basis::bspline, 132);
  mirrored.set_boundary(1, Boundary::mirror, Extrapolation::clamp);
  auto plain = random_grid<E, 2>({5, 5}, 1, Basis::bspline, 133);
  EXPECT_FALSE(Impl::chunking_fits(small.evaluator()));
  EXPECT_FALSE(Impl::chunking_fits(mirrored.evaluator()));
  EXPECT_TRUE(Impl::chunking_fits(plain.evaluator()));
  EXPECT_EQ(Impl::choose_evaluate_strategy<E>(plain.evaluator()),
            Impl::is_device_space<E> ? Impl::EvaluateStrategy::staged : Impl::EvaluateStrategy::chunked);
  EXPECT_NE(Impl::choose_evaluate_strategy<E>(small.evaluator()), Impl::EvaluateStrategy::chunked);
  auto points = random_matrix<E>(10, 2, 0, 1, 134);
  Matrix<E> values("values", 10, 1);
  for (auto const* grid : {&small, &mirrored}) {
    try {
      Impl::launch_evaluate(E{}, grid->evaluator(), points, values, Impl::EvaluateStrategy::chunked);
      ADD_FAILURE() << "chunked strategy accepted a grid it does not suit";
    } catch (std::invalid_argument const& e) {
      EXPECT_NE(std::string(e.what()).find("splinegrid::evaluate"), std::string::npos) << e.what();
    }
  }
}

// The AVX-512 copy of the chunked forward kernel (wide_kernels.hpp): evaluate()
// takes it exactly for C = 8 under torch rules on a CPU space of a build and CPU
// that have it, and it gives the AVX2 chunked kernel's values bit for bit; forcing
// it anywhere else is a clear error.
template <class E, class Scalar>
void check_wide_strategy() {
  using M = Kokkos::View<Scalar**, Kokkos::LayoutRight, typename E::memory_space>;
  E exec;
  auto eight = random_grid<E, 3, Scalar>({16, 16, 16}, 8, Basis::bspline, 141);
  auto one = random_grid<E, 3, Scalar>({16, 16, 16}, 1, Basis::bspline, 142);
  auto mirrored = random_grid<E, 3, Scalar>({16, 16, 16}, 8, Basis::bspline, 143);
  mirrored.set_boundary(1, Boundary::mirror, Extrapolation::clamp);
  bool const wide = !Impl::is_device_space<E> && Impl::wide_kernels_available();
  EXPECT_EQ(Impl::wide_chunking_fits(eight.evaluator()), wide);
  EXPECT_FALSE(Impl::wide_chunking_fits(one.evaluator()));
  EXPECT_FALSE(Impl::wide_chunking_fits(mirrored.evaluator()));
  if constexpr (!Impl::is_device_space<E>) {
    EXPECT_EQ(Impl::choose_evaluate_strategy<E>(eight.evaluator()),
              wide ? Impl::EvaluateStrategy::chunked_wide : Impl::EvaluateStrategy::chunked);
    EXPECT_EQ(Impl::choose_evaluate_strategy<E>(one.evaluator()), Impl::EvaluateStrategy::chunked);
  } else {
    EXPECT_NE(Impl::choose_evaluate_strategy<E>(eight.evaluator()), Impl::EvaluateStrategy::chunked_wide);
  }
  std::int64_t const n = 4099;  // 128 chunks and a partial one
  auto const p = random_matrix<E, Scalar>(n, 3, -0.05, 1.05, 144);
  M values("values", n, 8), narrow("narrow", n, 8), wide_values("wide", n, 8);
  auto const refuses = [&](auto const& grid, M const& out, char const* what) {
    try {
      Impl::launch_evaluate(exec, grid.evaluator(), p, out, Impl::EvaluateStrategy::chunked_wide);
      ADD_FAILURE() << "chunked_wide accepted " << what;
    } catch (std::invalid_argument const& e) {
      EXPECT_NE(std::string(e.what()).find("splinegrid::evaluate"), std::string::npos) << e.what();
    }
  };
  M one_out("one", n, 1);
  refuses(one, one_out, "a one-channel grid");
  refuses(mirrored, values, "a mirror boundary");
  if (!wide) {
    refuses(eight, values, "a CPU space without AVX-512 kernels");
    GTEST_SKIP() << "no wide kernels here (" << (Impl::wide_kernels_compiled ? "CPU without AVX-512"
                                                                            : "not compiled in this build")
                 << "): checked that they are neither chosen nor accepted";
  } else {
    evaluate(exec, eight, p, values);
    Impl::launch_evaluate(exec, eight.evaluator(), p, narrow, Impl::EvaluateStrategy::chunked);
    Impl::launch_evaluate(exec, eight.evaluator(), p, wide_values, Impl::EvaluateStrategy::chunked_wide);
    exec.fence();
    auto const ref = host_vector(narrow);
    EXPECT_EQ(mismatches(ref, host_vector(wide_values)), 0u);
    EXPECT_EQ(mismatches(ref, host_vector(values)), 0u);
    std::size_t finite = 0;
    for (double v : ref) finite += std::isfinite(v) && v != 0 ? 1 : 0;
    EXPECT_EQ(finite, ref.size());  // a real evaluation, not zeros
  }
}

TYPED_TEST(EvaluatorTest, WideChunkedStrategyOnlyWhereAvailable) {
  check_wide_strategy<TypeParam, double>();
  if (!testing::Test::IsSkipped()) check_wide_strategy<TypeParam, float>();
}

}  // namespace
