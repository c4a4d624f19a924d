// Data-parallel fitting: each rank fits with its share of the observations; the
// result must match a single-process fit of all observations (to 1e-10 relative),
// be identical on every rank, and be bitwise reproducible run to run.

#include "../fit_helpers.hpp"

#include <splinegrid/mpi.hpp>

#include <cmath>

namespace {

using namespace splinegrid;
using namespace splinegrid::test;
using E = Kokkos::DefaultExecutionSpace;
using M = E::memory_space;

// This rank's rows of a full observation set.
template <int Dim>
Obs<E, Dim> shard(Obs<E, Dim> const& all, MpiCommunicator const& comm) {
  long long begin, end;
  MpiCommunicator::share(all.size(), comm.rank(), comm.size(), begin, end);
  auto rows = std::make_pair(std::int64_t(begin), std::int64_t(end));
  Obs<E, Dim> mine;
  mine.points = Matrix<E>("x", end - begin, Dim);
  mine.values = Matrix<E>("y", end - begin, all.values.extent(1));
  Kokkos::deep_copy(mine.points, Kokkos::subview(all.points, rows, Kokkos::ALL));
  Kokkos::deep_copy(mine.values, Kokkos::subview(all.values, rows, Kokkos::ALL));
  if (all.weights.extent(0) != 0) {
    mine.weights = typename Obs<E, Dim>::vector_type("w", end - begin);
    Kokkos::deep_copy(mine.weights, Kokkos::subview(all.weights, rows));
  }
  return mine;
}

double relative_difference(std::vector<double> const& a, std::vector<double> const& b) {
  double scale = 0;
  for (double v : b) scale = std::fmax(scale, std::fabs(v));
  return max_abs_difference(a, b) / (scale > 0 ? scale : 1);
}

// Every rank holds the same vector (bitwise)?
bool same_on_all_ranks(std::vector<double> const& v, MpiCommunicator const& comm) {
  std::vector<double> first(v);
  MPI_Bcast(first.data(), static_cast<int>(first.size()), MPI_DOUBLE, 0, comm.comm());
  int same = first == v, all = 0;
  MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, comm.comm());
  return all == 1;
}

TEST(MpiFit, LeastSquaresMatchesOneProcess) {
  MpiCommunicator comm;
  auto all = radial<E, 3>(20000, 41);
  LeastSquaresOptions options;
  options.tolerance = 1e-13;
  options.penalty.smoothness = 0.01;
  options.strategy = AdjointStrategy::deterministic;
  Grid<double, 3, M> reference({6, 5, 7}, 1), parallel({6, 5, 7}, 1), again({6, 5, 7}, 1);
  FitReport const r1 = fit_least_squares(E{}, reference, all, options);
  auto const mine = shard<3>(all, comm);
  FitReport const rp = fit_least_squares(E{}, parallel, mine, options, comm);
  fit_least_squares(E{}, again, mine, options, comm);
  auto const ref = host_vector(reference.control_points());
  auto const par = host_vector(parallel.control_points());
  EXPECT_LT(relative_difference(par, ref), 1e-10) << comm.describe();
  EXPECT_NEAR(rp.loss, r1.loss, 1e-10 * r1.loss);
  EXPECT_TRUE(same_on_all_ranks(par, comm));
  EXPECT_EQ(host_vector(again.control_points()), par);
}

TEST(MpiFit, LbfgsAndFullBatchAdamMatchOneProcess) {
  MpiCommunicator comm;
  auto all = radial<E, 2>(6000, 42);
  auto const mine = shard<2>(all, comm);
  using Obj = Objective<double, 2, M, HuberLoss, E>;
  LbfgsOptions lbfgs;
  lbfgs.tolerance = 1e-10;
  lbfgs.max_iterations = 300;
  Grid<double, 2, M> reference({7, 6}, 1), parallel({7, 6}, 1);
  fit_lbfgs(Obj(E{}, reference, all, HuberLoss{0.1}, Penalty{0.01, 0}), lbfgs);
  fit_lbfgs(Obj(E{}, parallel, mine, HuberLoss{0.1}, Penalty{0.01, 0}, comm), lbfgs);
  EXPECT_LT(relative_difference(host_vector(parallel.control_points()),
                                host_vector(reference.control_points())),
            1e-8);
  EXPECT_TRUE(same_on_all_ranks(host_vector(parallel.control_points()), comm));

  AdamOptions adam;
  adam.iterations = 200;
  adam.learning_rate = 0.02;
  Grid<double, 2, M> adam_reference({7, 6}, 1), adam_parallel({7, 6}, 1);
  fit_adam(Obj(E{}, adam_reference, all, HuberLoss{0.1}), adam);
  fit_adam(Obj(E{}, adam_parallel, mine, HuberLoss{0.1}, {}, comm), adam);
  EXPECT_LT(relative_difference(host_vector(adam_parallel.control_points()),
                                host_vector(adam_reference.control_points())),
            1e-10);
}

TEST(MpiFit, MiniBatchAdamIsConsistentAcrossRanks) {
  MpiCommunicator comm;
  auto all = radial<E, 2>(4000, 43);
  auto const mine = shard<2>(all, comm);
  AdamOptions adam;
  adam.iterations = 300;
  adam.batch_size = 256;
  adam.learning_rate = 0.02;
  Grid<double, 2, M> grid({3, 3}, 1);
  fit_adam(Objective<double, 2, M, SquaredLoss, E>(E{}, grid, mine, {}, {}, comm), adam);
  EXPECT_TRUE(same_on_all_ranks(host_vector(grid.control_points()), comm));
  EXPECT_LT((mean_abs_error<E, 2>(grid, all.points, all.values)), 0.02);
}

TEST(MpiFit, ProblemsOnOneRankStopEveryRank) {
  MpiCommunicator comm;
  auto all = radial<E, 2>(400, 44);
  auto mine = shard<2>(all, comm);
  if (comm.rank() == comm.size() - 1) Kokkos::deep_copy(mine.values, std::nan(""));
  Grid<double, 2, M> grid({3, 3}, 1);
  try {
    fit_least_squares(E{}, grid, mine, {}, comm);
    ADD_FAILURE() << "no error";
  } catch (std::invalid_argument const& e) {
    std::string const expected = comm.rank() == comm.size() - 1 ? "targets" : "another process";
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
  // Empty shards on some ranks are fine as long as someone has data.
  Obs<E, 2> some = comm.rank() == 0 ? shard<2>(all, comm)
                                    : Obs<E, 2>{Matrix<E>("x", 0, 2), Matrix<E>("y", 0, 1), {}};
  EXPECT_TRUE(fit_least_squares(E{}, grid, some, {}, comm).converged);
}

}  // namespace
