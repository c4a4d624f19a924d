#ifndef SPLINEGRID_LEAST_SQUARES_HPP
#define SPLINEGRID_LEAST_SQUARES_HPP

/// @file
/// Linear least-squares fitting of a grid's control points c:
///   minimise  sum_i w_i ||grid(x_i) - y_i||^2 + c^T P c
/// (P from Penalty: smoothness · sum_k D2_k^T D2_k + ridge · I), by
/// preconditioned conjugate gradients on the normal equations
///   (A^T W A + P) c = A^T W y,
/// matrix-free: A v is evaluate(), A^T u is adjoint(). Vector algebra by KokkosBlas.
/// Under MPI each process holds its share of the observations and the control
/// points are replicated: one sum of a control-point vector per iteration.

#include <splinegrid/adjoint.hpp>
#include <splinegrid/communicator.hpp>
#include <splinegrid/evaluate.hpp>
#include <splinegrid/fit_report.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/impl/fit_kernels.hpp>
#include <splinegrid/impl/normal_diagonal.hpp>
#include <splinegrid/impl/tensor_preconditioner.hpp>
#include <splinegrid/loss.hpp>
#include <splinegrid/observations.hpp>
#include <splinegrid/penalty.hpp>

#include <KokkosBlas1_axpby.hpp>
#include <KokkosBlas1_dot.hpp>
#include <KokkosBlas1_mult.hpp>
#include <KokkosBlas1_nrm2.hpp>
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace splinegrid {

/// Preconditioner of the CG iterations (see LeastSquaresOptions).
enum class Preconditioner {
  none,
  /// diag(A^T W A + P)^-1.
  jacobi,
  /// Jacobi scaling around the inverse tensor product of the axes' Gram matrices
  /// (impl/tensor_preconditioner.hpp): several times fewer iterations for data
  /// spread over the domain.
  tensor
};

/// Options of fit_least_squares() / LeastSquaresFit.
struct LeastSquaresOptions {
  Penalty penalty{};          ///< smoothness (lambda) and ridge weights, >= 0
  std::int64_t max_iterations = 1000;  ///< CG iteration limit
  /// Stop when ||b - N c|| <= tolerance · ||b|| (b = A^T W y).
  double tolerance = 1e-10;
  /// Start from the grid's current control points (false: from zero).
  bool warm_start = true;
  /// Adjoint strategy of the A^T products: deterministic makes every iteration
  /// bitwise reproducible for any thread count (the observations are sorted once,
  /// when the fit is constructed, see PointOrder).
  AdjointStrategy strategy = AdjointStrategy::fast;
  /// Recompute the residual from scratch every this many iterations (limits the
  /// drift of the recursive residual; 0 = never).
  std::int64_t residual_replacement = 50;
  Preconditioner preconditioner = Preconditioner::tensor;  ///< see Preconditioner
};

/// A least-squares fit in progress; writes its iterate into the grid's control
/// points. Control points that no observation touches and the penalty does not tie
/// keep their starting value.
template <class Scalar, int Dim, class MemorySpace,
          class ExecutionSpace = typename MemorySpace::execution_space>
class LeastSquaresFit {
 public:
  using grid_type = Grid<Scalar, Dim, MemorySpace>;                 ///< the fitted grid's type
  using matrix_type = typename grid_type::control_points_type;      ///< (rows, C) vectors
  using observations_type = Observations<Scalar, Dim, MemorySpace>;  ///< the data's type

  /// Checks the arguments (messages start "splinegrid::fit_least_squares"), forms the
  /// right-hand side and the preconditioner, and the initial residual.
  LeastSquaresFit(ExecutionSpace const& exec, grid_type const& grid, observations_type const& data,
                  LeastSquaresOptions const& options = {},
                  Communicator const& comm = serial_communicator())
      : m_exec(exec), m_grid(grid), m_data(data), m_options(options), m_comm(&comm) {
    Compat::ScopedRegion region(fn);
    check_penalty(options.penalty, fn);
    require(options.max_iterations >= 0, fn, "max_iterations must be >= 0");
    require(std::isfinite(options.tolerance) && options.tolerance >= 0, fn,
            "tolerance must be finite and >= 0");
    require(options.residual_replacement >= 0, fn, "residual_replacement must be >= 0");
    require(options.preconditioner == Preconditioner::none ||
                options.preconditioner == Preconditioner::jacobi ||
                options.preconditioner == Preconditioner::tensor,
            fn, "unknown preconditioner");
    Impl::check_observations(exec, fn, grid, data, comm);
    std::int64_t const rows = grid.num_control_points();
    int const channels = grid.channels();
    auto alloc = [&](char const* label) {
      return matrix_type(Kokkos::view_alloc(exec, std::string("splinegrid::lsq::") + label),
                         rows, channels);
    };
    m_r = alloc("r");
    m_p = alloc("p");
    m_q = alloc("q");
    m_z = alloc("z");
    m_b = alloc("b");
    m_inverse_diagonal = alloc("inverse_diagonal");
    m_values = typename observations_type::matrix_type(
        Kokkos::view_alloc(exec, std::string("splinegrid::lsq::values")), data.size(), channels);
    if (!options.warm_start) Kokkos::deep_copy(exec, grid.control_points(), Scalar(0));
    // The observations stay fixed: the deterministic gather sorts them once here, not
    // in each of the 2 + iterations adjoint() calls (see PointOrder).
    if (options.strategy == AdjointStrategy::deterministic && data.size() > 0)
      m_sorted = Impl::sort_stencils(exec, grid.evaluator(), data.points, fn);
    form_right_hand_side();
    form_preconditioner();
    restart();
  }

  /// One CG iteration. Returns false (and does nothing) once converged or at
  /// max_iterations.
  bool iterate() {
    Compat::ScopedRegion region("splinegrid::fit_least_squares::iterate");
    if (done()) return false;
    matrix_type const& x = m_grid.control_points();
    apply(m_p, m_q);
    double const pq = Impl::consistent(*m_comm, KokkosBlas::dot(flat(m_p), flat(m_q)));
    if (!(pq > 0)) {  // p = 0 (exact solution) or breakdown
      m_breakdown = true;
      return false;
    }
    double const alpha = m_rz / pq;
    KokkosBlas::axpby(Scalar(alpha), flat(m_p), Scalar(1), flat(x));
    ++m_iteration;
    if (m_options.residual_replacement > 0 && m_iteration % m_options.residual_replacement == 0) {
      residual_from_scratch();
    } else {
      KokkosBlas::axpby(Scalar(-alpha), flat(m_q), Scalar(1), flat(m_r));
    }
    precondition();
    double const rz = Impl::consistent(*m_comm, KokkosBlas::dot(flat(m_r), flat(m_z)));
    double const beta = m_rz > 0 ? rz / m_rz : 0.0;
    m_rz = rz;
    KokkosBlas::axpby(Scalar(1), flat(m_z), Scalar(beta), flat(m_p));
    update_measure();
    return true;
  }

  /// Iterates until converged, max_iterations, or the callback returns false.
  FitReport run(FitCallback const& callback = {}) {
    Compat::ScopedRegion region(fn);
    bool const stopped = Impl::iterate_to_end(*this, callback);
    FitProgress final_progress = progress();
    final_progress.loss = exact_loss();
    return Impl::make_report(final_progress, converged(), stopped,
                             m_breakdown ? "breakdown" : "max_iterations");
  }


  /// True once the relative residual reached the tolerance.
  bool converged() const {
    return m_relative_residual <= m_options.tolerance || (m_breakdown && m_rz == 0);
  }
  /// True when iterate() has nothing left to do.
  bool done() const {
    return converged() || m_breakdown || m_iteration >= m_options.max_iterations;
  }

  /// Objective sum_i w_i ||grid(x_i) - y_i||^2 + c^T P c at the current iterate,
  /// from the residual: y^T W y - c^T b - c^T r (exact for the true residual).
  double loss() const {
    matrix_type const& x = m_grid.control_points();
    double const cb = Impl::consistent(*m_comm, KokkosBlas::dot(flat(x), flat(m_b)));
    double const cr = Impl::consistent(*m_comm, KokkosBlas::dot(flat(x), flat(m_r)));
    return m_yy - cb - cr;
  }

  /// The objective evaluated directly (one pass over the observations): accurate
  /// also where loss()'s difference of large terms cancels (near-exact fits).
  double exact_loss() const {
    using Matrix = typename observations_type::matrix_type;
    evaluate(m_exec, m_grid, m_data.points, m_values);
    double data = 0;
    Kokkos::parallel_reduce(
        "splinegrid::lsq::loss", Impl::FitPolicy<ExecutionSpace>(m_exec, 0, m_data.size()),
        Impl::LossAndGradient<SquaredLoss, Matrix, Matrix, typename observations_type::vector_type>{
            SquaredLoss{}, m_values, m_data.values, m_data.weights, Scalar(0)},
        data);
    data = Impl::sum_over_processes(*m_comm, data);
    if (!m_options.penalty.active()) return data;
    matrix_type const& x = m_grid.control_points();
    Kokkos::deep_copy(m_exec, m_z, Scalar(0));
    Impl::launch_penalty<false>(m_exec, m_grid, m_options.penalty, x, m_z);
    m_exec.fence();
    return data + Impl::consistent(*m_comm, KokkosBlas::dot(flat(x), flat(m_z)));
  }

  /// Iteration, loss() and relative residual.
  FitProgress progress() const {
    FitProgress p;
    p.iteration = m_iteration;
    p.loss = loss();
    p.measure = m_relative_residual;
    return p;
  }

  /// The state to continue this fit later (with the grid's control points).
  OptimizerState state() const {
    OptimizerState s;
    s.method = "lsq";
    s.iteration = m_iteration;
    s.vectors["r"] = Impl::export_view(m_r);
    s.vectors["p"] = Impl::export_view(m_p);
    s.scalars["rz"] = m_rz;
    return s;
  }

  /// Continues from a saved state; the grid must hold the control points saved with it.
  void restore(OptimizerState const& s) {
    constexpr char const* rfn = "splinegrid::LeastSquaresFit::restore";
    Impl::check_method(s, "lsq", rfn);
    Impl::import_view(s, "r", m_r, rfn);
    Impl::import_view(s, "p", m_p, rfn);
    m_rz = Impl::import_scalar(s, "rz", rfn);
    m_iteration = s.iteration;
    m_breakdown = false;
    update_measure();
  }

  std::int64_t iteration() const { return m_iteration; }               ///< CG iterations done
  double relative_residual() const { return m_relative_residual; }     ///< ||r|| / ||b||
  grid_type const& grid() const { return m_grid; }                     ///< the fitted grid

  /// out = (A^T W A + P) v, summed over the processes.
  void apply(matrix_type const& v, matrix_type const& out) const {
    Kokkos::fence();  // KokkosBlas ran on the default instance
    grid_type const g = linear_part(v);
    evaluate(m_exec, g, m_data.points, m_values);
    weight_values(typename observations_type::matrix_type{});
    data_adjoint(g, out);
    Impl::sum_over_processes(m_exec, *m_comm, out);
    Impl::launch_penalty<false>(m_exec, m_grid, m_options.penalty, v, out);
    m_exec.fence();
  }

 private:
  static constexpr char const* fn = "splinegrid::fit_least_squares";
  using flat_type = Kokkos::View<Scalar*, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

  static flat_type flat(matrix_type const& m) { return flat_type(m.data(), m.span()); }

  // out = A^T m_values on this process (adjoint() of the data term), through the
  // fit's sorted point order when the strategy is deterministic.
  void data_adjoint(grid_type const& g, matrix_type const& out) const {
    Impl::run_adjoint(m_exec, g, m_data.points, m_values, out,
                      typename observations_type::matrix_type{},
                      AdjointOptions{m_options.strategy, false}, m_sorted ? &*m_sorted : nullptr,
                      fn);
  }

  // The grid as a linear map of its control points: fill value 0.
  grid_type linear_part(matrix_type const& v) const {
    grid_type g = m_grid.with_control_points(v);
    g.set_fill_value(0.0);
    return g;
  }

  bool has_offset() const {
    if (m_grid.fill_value() == 0.0) return false;
    for (int k = 0; k < Dim; ++k)
      if (m_grid.boundary(k).extrapolation == Extrapolation::fill) return true;
    return false;
  }

  // m_values(i, c) = w_i (m_values(i, c) - offset(i, c)).
  template <class Offset>
  void weight_values(Offset const& offset) const {
    Kokkos::parallel_for(
        "splinegrid::lsq::weight",
        Impl::FitPolicy<ExecutionSpace>(m_exec, 0, m_data.size()),
        Impl::WeightRows<typename observations_type::matrix_type, Offset,
                         typename observations_type::vector_type>{m_values, offset,
                                                                  m_data.weights});
  }

  // b = A^T W (y - offset), y^T W y likewise (offset: fill values outside fill axes).
  void form_right_hand_side() {
    using Matrix = typename observations_type::matrix_type;
    Matrix offset;
    if (has_offset()) {
      offset = Matrix(Kokkos::view_alloc(m_exec, std::string("splinegrid::lsq::offset")),
                      m_data.size(), m_grid.channels());
      evaluate(m_exec, m_grid.with_control_points(m_z), m_data.points, offset);  // m_z is 0
    }
    Kokkos::deep_copy(m_exec, m_values, m_data.values);
    {  // y - offset, unweighted, to form y^T W y
      Kokkos::parallel_for("splinegrid::lsq::shift",
                           Impl::FitPolicy<ExecutionSpace>(m_exec, 0, m_data.size()),
                           Impl::WeightRows<Matrix, Matrix, typename observations_type::vector_type>{
                               m_values, offset, {}});
    }
    Matrix shifted(Kokkos::view_alloc(m_exec, std::string("splinegrid::lsq::shifted")),
                   m_data.size(), m_grid.channels());
    Kokkos::deep_copy(m_exec, shifted, m_values);
    weight_values(Matrix{});
    m_exec.fence();
    using FlatData = Kokkos::View<Scalar*, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
    double const yy = m_data.size() == 0
                          ? 0.0
                          : KokkosBlas::dot(FlatData(shifted.data(), shifted.span()),
                                            FlatData(m_values.data(), m_values.span()));
    m_yy = Impl::sum_over_processes(*m_comm, yy);
    data_adjoint(linear_part(m_z), m_b);
    Impl::sum_over_processes(m_exec, *m_comm, m_b);
    m_exec.fence();
    m_norm_b = Impl::consistent(*m_comm, KokkosBlas::nrm2(flat(m_b)));
  }

  void form_preconditioner() {
    Kokkos::View<Scalar*, MemorySpace> data_diagonal(
        Kokkos::view_alloc(m_exec, std::string("splinegrid::lsq::data_diagonal")),
        m_grid.num_control_points());
    Impl::normal_diagonal(m_exec, m_grid.evaluator(), m_data.points, m_data.weights,
                          data_diagonal);
    Impl::sum_over_processes(m_exec, *m_comm, data_diagonal);
    Kokkos::deep_copy(m_exec, m_inverse_diagonal, Scalar(0));
    Impl::launch_penalty<true>(m_exec, m_grid, m_options.penalty, m_inverse_diagonal,
                               m_inverse_diagonal);
    Kokkos::parallel_for(
        "splinegrid::lsq::invert_diagonal",
        Impl::FitPolicy<ExecutionSpace>(m_exec, 0, m_grid.num_control_points()),
        Impl::InvertDiagonal<decltype(data_diagonal), matrix_type>{
            data_diagonal, m_inverse_diagonal,
            m_options.preconditioner == Preconditioner::tensor});
    m_exec.fence();
    if (m_options.preconditioner == Preconditioner::tensor)
      m_tensor = Impl::TensorPreconditioner<Scalar, Dim, MemorySpace>(m_grid.evaluator());
  }

  // r = b - N x.
  void residual_from_scratch() {
    apply(m_grid.control_points(), m_q);
    Kokkos::deep_copy(m_r, m_b);
    KokkosBlas::axpby(Scalar(-1), flat(m_q), Scalar(1), flat(m_r));
  }

  // z = M^-1 r.
  void precondition() {
    switch (m_options.preconditioner) {
      case Preconditioner::none: Kokkos::deep_copy(m_z, m_r); break;
      case Preconditioner::jacobi:
        KokkosBlas::mult(Scalar(0), flat(m_z), Scalar(1), flat(m_inverse_diagonal), flat(m_r));
        break;
      case Preconditioner::tensor:
        Kokkos::fence();
        m_tensor.apply(m_exec, m_inverse_diagonal, m_r, m_z);
        m_exec.fence();
        break;
    }
  }

  // r = b - N x, z = M^-1 r, p = z.
  void restart() {
    residual_from_scratch();
    precondition();
    Kokkos::deep_copy(m_p, m_z);
    m_rz = Impl::consistent(*m_comm, KokkosBlas::dot(flat(m_r), flat(m_z)));
    update_measure();
  }

  void update_measure() {
    double const norm_r = Impl::consistent(*m_comm, KokkosBlas::nrm2(flat(m_r)));
    m_relative_residual = norm_r / (m_norm_b > 0 ? m_norm_b : 1.0);
  }

  ExecutionSpace m_exec;
  grid_type m_grid;
  observations_type m_data;
  LeastSquaresOptions m_options;
  Communicator const* m_comm;
  matrix_type m_r, m_p, m_q, m_z, m_b, m_inverse_diagonal;
  Impl::TensorPreconditioner<Scalar, Dim, MemorySpace> m_tensor;
  typename observations_type::matrix_type m_values;
  std::optional<Impl::SortedStencils<Scalar, Dim, MemorySpace>> m_sorted;  // deterministic only
  double m_rz = 0, m_norm_b = 0, m_yy = 0, m_relative_residual = 0;
  std::int64_t m_iteration = 0;
  bool m_breakdown = false;
};

/// Fits `grid`'s control points to `data` by least squares (see LeastSquaresFit):
/// the grid holds the result on return. Under MPI pass the communicator; every
/// process must call with the same grid shape and options.
template <class ExecutionSpace, class Scalar, int Dim, class MemorySpace>
std::enable_if_t<Kokkos::is_execution_space<ExecutionSpace>::value, FitReport> fit_least_squares(
    ExecutionSpace const& exec, Grid<Scalar, Dim, MemorySpace> const& grid,
    Observations<Scalar, Dim, MemorySpace> const& data, LeastSquaresOptions const& options = {},
    Communicator const& comm = serial_communicator(), FitCallback const& callback = {}) {
  LeastSquaresFit<Scalar, Dim, MemorySpace, ExecutionSpace> fit(exec, grid, data, options, comm);
  return fit.run(callback);
}

/// fit_least_squares() on the grid's default execution space.
template <class Scalar, int Dim, class MemorySpace>
FitReport fit_least_squares(Grid<Scalar, Dim, MemorySpace> const& grid,
                            Observations<Scalar, Dim, MemorySpace> const& data,
                            LeastSquaresOptions const& options = {},
                            Communicator const& comm = serial_communicator(),
                            FitCallback const& callback = {}) {
  return fit_least_squares(typename MemorySpace::execution_space{}, grid, data, options, comm,
                           callback);
}

}  // namespace splinegrid

#endif
