#ifndef SPLINEGRID_OBJECTIVE_HPP
#define SPLINEGRID_OBJECTIVE_HPP

/// @file
/// Objective: a fitting loss over observations and its gradient with respect to the
/// control points, for the gradient-based fitters (Adam, L-BFGS):
///   L(c) = sum_i w_i sum_ch loss(grid_c(x_i)_ch, y_i,ch) + c^T P c
/// (P from Penalty). With SquaredLoss this is fit_least_squares()' objective. The
/// gradient comes from adjoint(); under MPI the data term is summed over processes.

#include <splinegrid/adjoint.hpp>
#include <splinegrid/communicator.hpp>
#include <splinegrid/evaluate.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/fit_kernels.hpp>
#include <splinegrid/loss.hpp>
#include <splinegrid/observations.hpp>
#include <splinegrid/penalty.hpp>

#include <KokkosBlas1_axpby.hpp>
#include <KokkosBlas1_dot.hpp>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <string>

namespace splinegrid {

/// A fitting objective (see the file comment): a loss over observations plus the
/// penalty, and its gradient by adjoint(). Holds the grid (shallow) it fits.
template <class Scalar, int Dim, class MemorySpace, class Loss = SquaredLoss,
          class ExecutionSpace = typename MemorySpace::execution_space>
class Objective {
 public:
  using grid_type = Grid<Scalar, Dim, MemorySpace>;  ///< the fitted grid's type
  using execution_space = ExecutionSpace;             ///< where kernels run
  /// Control-point-shaped (rows, C) matrices: positions, gradients.
  using matrix_type = typename grid_type::control_points_type;
  using observations_type = Observations<Scalar, Dim, MemorySpace>;  ///< the data's type
  using index_type = Kokkos::View<std::int64_t*, MemorySpace>;        ///< mini-batch indices
  /// A control-point matrix seen as one vector (for KokkosBlas).
  using flat_type = Kokkos::View<Scalar*, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

  /// Checks the observations and penalty (messages name `function`).
  Objective(ExecutionSpace const& exec, grid_type const& grid, observations_type const& data,
            Loss const& loss = {}, Penalty const& penalty = {},
            Communicator const& comm = serial_communicator(),
            AdjointStrategy strategy = AdjointStrategy::fast,
            char const* function = "splinegrid::Objective")
      : m_exec(exec), m_grid(grid), m_data(data), m_loss(loss), m_penalty(penalty),
        m_comm(&comm), m_strategy(strategy) {
    check_penalty(penalty, function);
    m_total = Impl::check_observations(exec, function, grid, data, comm);
    m_penalty_product = matrix_type(
        Kokkos::view_alloc(exec, std::string("splinegrid::objective::penalty")),
        grid.num_control_points(), grid.channels());
  }

  /// The grid being fitted.
  grid_type const& grid() const { return m_grid; }
  /// The processes the data term is summed over.
  Communicator const& communicator() const { return *m_comm; }
  /// The execution space instance the kernels run on.
  ExecutionSpace const& exec() const { return m_exec; }
  /// Observations on this process.
  std::int64_t local_size() const { return m_data.size(); }
  /// Observations on all processes.
  std::int64_t total_size() const { return m_total; }

  /// L(c) over all observations; grad (rows, C) = dL/dc. Same on every process.
  double value_and_gradient(matrix_type const& c, matrix_type const& grad) const {
    return data_term(c, grad, m_data, 1.0) + penalty_term(c, grad);
  }

  /// Unbiased mini-batch estimate of L(c) and its gradient: the data term over this
  /// process' observations `batch` (indices 0..local_size()-1), scaled by
  /// total_size() / (sum of the batch sizes over processes).
  double batch_value_and_gradient(matrix_type const& c, matrix_type const& grad,
                                  index_type const& batch) const {
    std::int64_t const nb = static_cast<std::int64_t>(batch.extent(0));
    double const batch_total = Impl::sum_over_processes(*m_comm, static_cast<double>(nb));
    require(batch_total > 0, "splinegrid::Objective::batch_value_and_gradient",
            "the batches are empty on every process");
    ensure_batch_buffers(nb);
    using Matrix = typename observations_type::matrix_type;
    using Vector = typename observations_type::vector_type;
    Impl::FitPolicy<ExecutionSpace> const policy(m_exec, 0, nb);
    Kokkos::parallel_for("splinegrid::objective::gather", policy,
                         Impl::GatherRows<index_type, Matrix, Matrix>{batch, m_data.points,
                                                                      m_batch.points});
    Kokkos::parallel_for("splinegrid::objective::gather", policy,
                         Impl::GatherRows<index_type, Matrix, Matrix>{batch, m_data.values,
                                                                      m_batch.values});
    observations_type subset{Kokkos::subview(m_batch.points, std::make_pair(std::int64_t(0), nb), Kokkos::ALL),
                             Kokkos::subview(m_batch.values, std::make_pair(std::int64_t(0), nb), Kokkos::ALL),
                             Vector{}};
    if (m_data.weights.extent(0) != 0) {
      Kokkos::parallel_for("splinegrid::objective::gather", policy,
                           Impl::GatherRows<index_type, Vector, Vector>{batch, m_data.weights,
                                                                        m_batch.weights});
      subset.weights = Kokkos::subview(m_batch.weights, std::make_pair(std::int64_t(0), nb));
    }
    return data_term(c, grad, subset, double(m_total) / batch_total) + penalty_term(c, grad);
  }

 private:
  // grad = scale · d(data term)/dc over `data`, summed over processes; returns the term.
  double data_term(matrix_type const& c, matrix_type const& grad, observations_type const& data,
                   double scale) const {
    Compat::ScopedRegion region("splinegrid::Objective::data_term");
    std::int64_t const n = data.size();
    if (static_cast<std::int64_t>(m_values.extent(0)) < n)
      m_values = typename observations_type::matrix_type(
          Kokkos::view_alloc(m_exec, std::string("splinegrid::objective::values")), n,
          m_grid.channels());
    auto values = Kokkos::subview(m_values, std::make_pair(std::int64_t(0), n), Kokkos::ALL);
    grid_type const g = m_grid.with_control_points(c);
    evaluate(m_exec, g, data.points, values);
    double local = 0;
    Kokkos::parallel_reduce(
        "splinegrid::objective::loss", Impl::FitPolicy<ExecutionSpace>(m_exec, 0, n),
        Impl::LossAndGradient<Loss, decltype(values), typename observations_type::matrix_type,
                              typename observations_type::vector_type>{
            m_loss, values, data.values, data.weights, static_cast<Scalar>(scale)},
        local);
    adjoint(m_exec, g, data.points, values, grad, typename observations_type::matrix_type{},
            AdjointOptions{m_strategy, false});
    Impl::sum_over_processes(m_exec, *m_comm, grad);
    m_exec.fence();
    return scale * Impl::sum_over_processes(*m_comm, local);
  }

  // grad += 2 P c; returns c^T P c.
  double penalty_term(matrix_type const& c, matrix_type const& grad) const {
    if (!m_penalty.active()) return 0.0;
    Kokkos::deep_copy(m_exec, m_penalty_product, Scalar(0));
    Impl::launch_penalty<false>(m_exec, m_grid, m_penalty, c, m_penalty_product);
    m_exec.fence();
    flat_type const pc(m_penalty_product.data(), m_penalty_product.span());
    KokkosBlas::axpby(Scalar(2), pc, Scalar(1), flat_type(grad.data(), grad.span()));
    return Impl::consistent(*m_comm, KokkosBlas::dot(flat_type(c.data(), c.span()), pc));
  }

  void ensure_batch_buffers(std::int64_t nb) const {
    if (static_cast<std::int64_t>(m_batch.points.extent(0)) >= nb) return;
    auto alloc = [&](char const* label, int cols) {
      return typename observations_type::matrix_type(
          Kokkos::view_alloc(m_exec, std::string("splinegrid::objective::batch_") + label), nb, cols);
    };
    m_batch.points = alloc("points", Dim);
    m_batch.values = alloc("values", m_grid.channels());
    if (m_data.weights.extent(0) != 0)
      m_batch.weights = typename observations_type::vector_type(
          Kokkos::view_alloc(m_exec, std::string("splinegrid::objective::batch_weights")), nb);
  }

  ExecutionSpace m_exec;
  grid_type m_grid;
  observations_type m_data;
  Loss m_loss;
  Penalty m_penalty;
  Communicator const* m_comm;
  AdjointStrategy m_strategy;
  std::int64_t m_total = 0;
  matrix_type m_penalty_product;
  mutable typename observations_type::matrix_type m_values;
  mutable observations_type m_batch;
};

}  // namespace splinegrid

#endif
