#ifndef SPLINEGRID_ADAM_HPP
#define SPLINEGRID_ADAM_HPP

/// @file
/// Adam (Kingma & Ba 2015) on an Objective, full-batch or with mini-batches.

#include <splinegrid/fit_report.hpp>
#include <splinegrid/impl/batch_schedule.hpp>
#include <splinegrid/objective.hpp>

#include <KokkosBlas1_nrm2.hpp>
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace splinegrid {

/// Options of AdamFit.
struct AdamOptions {
  double learning_rate = 1e-2;  ///< step size, in control-point value units
  double beta1 = 0.9;              ///< decay of the first-moment average
  double beta2 = 0.999;            ///< decay of the second-moment average
  double epsilon = 1e-8;           ///< added to sqrt(v) against division by zero
  std::int64_t iterations = 1000;  ///< steps to take
  /// Observations per step over all processes (each process takes its share);
  /// 0 or >= the total: full batch (deterministic gradient).
  std::int64_t batch_size = 0;
  /// Seeds the mini-batch order: batch t is a slice of a permutation drawn from
  /// (seed, epoch, rank), so a fit resumed at iteration t draws the same batches.
  std::uint64_t seed = 0;
  /// Stop when the step's gradient norm <= tolerance · the first one (0: never).
  double tolerance = 0.0;
};

/// Adam iterations on an objective; writes into the objective's grid.
template <class ObjectiveType>
class AdamFit {
 public:
  using matrix_type = typename ObjectiveType::matrix_type;  ///< (rows, C) control-point matrices
  using flat_type = typename ObjectiveType::flat_type;      ///< such a matrix as one vector

  /// Checks the options (messages start with the fit function's name) and allocates
  /// the solver state; the objective's grid holds the starting point.
  AdamFit(ObjectiveType const& objective, AdamOptions const& options = {})
      : m_objective(objective), m_options(options),
        m_schedule(options.batch_size == 0 || options.batch_size >= objective.total_size(),
                   objective.local_size(), local_batch(objective, options), options.seed,
                   objective.communicator().rank()) {
    constexpr char const* fn = "splinegrid::fit_adam";
    require(std::isfinite(options.learning_rate) && options.learning_rate > 0, fn,
            "learning_rate must be finite and > 0");
    require(options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1,
            fn, "beta1 and beta2 must be in [0, 1)");
    require(std::isfinite(options.epsilon) && options.epsilon > 0, fn, "epsilon must be > 0");
    require(options.iterations >= 0, fn, "iterations must be >= 0");
    require(options.batch_size >= 0, fn, "batch_size must be >= 0");
    require(std::isfinite(options.tolerance) && options.tolerance >= 0, fn,
            "tolerance must be finite and >= 0");
    auto const& grid = objective.grid();
    auto alloc = [&](char const* label) {
      return matrix_type(Kokkos::view_alloc(objective.exec(),
                                            std::string("splinegrid::adam::") + label),
                         grid.num_control_points(), grid.channels());
    };
    m_m = alloc("m");
    m_v = alloc("v");
    m_g = alloc("g");
  }

  /// One Adam step. Returns false (doing nothing) when finished.
  bool iterate() {
    Compat::ScopedRegion region("splinegrid::fit_adam::iterate");
    if (done()) return false;
    auto const& x = m_objective.grid().control_points();
    if (m_schedule.full_batch())
      m_loss = m_objective.value_and_gradient(x, m_g);
    else
      m_loss = m_objective.batch_value_and_gradient(x, m_g, m_schedule.batch(m_iteration));
    m_gradient_norm = Impl::consistent(m_objective.communicator(),
                                 KokkosBlas::nrm2(flat_type(m_g.data(), m_g.span())));
    if (m_iteration == 0) m_first_gradient_norm = m_gradient_norm;
    ++m_iteration;
    using Scalar = typename matrix_type::non_const_value_type;
    double const t = static_cast<double>(m_iteration);
    Kokkos::parallel_for(
        "splinegrid::fit_adam::update",
        Impl::FitPolicy<typename ObjectiveType::execution_space>(
            m_objective.exec(), 0, static_cast<std::int64_t>(x.extent(0))),
        Impl::AdamUpdate<matrix_type>{
            x, m_g, m_m, m_v, static_cast<Scalar>(m_options.learning_rate),
            static_cast<Scalar>(m_options.beta1), static_cast<Scalar>(m_options.beta2),
            static_cast<Scalar>(m_options.epsilon),
            static_cast<Scalar>(1 - std::pow(m_options.beta1, t)),
            static_cast<Scalar>(1 - std::pow(m_options.beta2, t))});
    m_objective.exec().fence();
    return true;
  }

  /// True once the tolerance was reached.
  bool converged() const {
    return m_iteration > 0 && m_options.tolerance > 0 &&
           m_gradient_norm <= m_options.tolerance * m_first_gradient_norm;
  }
  /// True when iterate() has nothing left to do.
  bool done() const { return converged() || m_iteration >= m_options.iterations; }

  /// Loss and gradient norm are those of the last step's batch, before its update.
  FitProgress progress() const {
    FitProgress p;
    p.iteration = m_iteration;
    p.loss = m_loss;
    p.measure = m_gradient_norm;
    return p;
  }

  /// Iterates until done() or the callback returns false; returns the report.
  FitReport run(FitCallback const& callback = {}) {
    Compat::ScopedRegion region("splinegrid::fit_adam");
    bool const stopped = Impl::iterate_to_end(*this, callback);
    return Impl::make_report(progress(), converged(), stopped, "max_iterations");
  }


  /// Moments, step count and the batch-order position (the iteration).
  OptimizerState state() const {
    OptimizerState s;
    s.method = "adam";
    s.iteration = m_iteration;
    s.vectors["m"] = Impl::export_view(m_m);
    s.vectors["v"] = Impl::export_view(m_v);
    s.scalars["loss"] = m_loss;
    s.scalars["gradient_norm"] = m_gradient_norm;
    s.scalars["first_gradient_norm"] = m_first_gradient_norm;
    return s;
  }

  /// Continues from state(); the grid must hold the control points saved with it.
  void restore(OptimizerState const& s) {
    constexpr char const* fn = "splinegrid::AdamFit::restore";
    Impl::check_method(s, "adam", fn);
    Impl::import_view(s, "m", m_m, fn);
    Impl::import_view(s, "v", m_v, fn);
    m_loss = Impl::import_scalar(s, "loss", fn);
    m_gradient_norm = Impl::import_scalar(s, "gradient_norm", fn);
    m_first_gradient_norm = Impl::import_scalar(s, "first_gradient_norm", fn);
    m_iteration = s.iteration;
  }

 private:
  static std::int64_t local_batch(ObjectiveType const& objective, AdamOptions const& options) {
    std::int64_t const total = objective.total_size();
    std::int64_t const local = objective.local_size();
    if (options.batch_size == 0 || options.batch_size >= total) return local;
    // This process' share of the batch, at least 1 where it has observations.
    double const share = double(options.batch_size) * double(local) / double(total);
    std::int64_t const b = static_cast<std::int64_t>(std::ceil(share));
    return local == 0 ? 0 : (b < 1 ? 1 : (b > local ? local : b));
  }

  ObjectiveType m_objective;
  AdamOptions m_options;
  Impl::BatchSchedule<typename ObjectiveType::grid_type::memory_space> m_schedule;
  matrix_type m_m, m_v, m_g;
  std::int64_t m_iteration = 0;
  double m_loss = std::nan(""), m_gradient_norm = std::nan(""), m_first_gradient_norm = 0;
};

/// Fits the objective's grid with Adam; the grid holds the result on return.
template <class ObjectiveType>
FitReport fit_adam(ObjectiveType const& objective, AdamOptions const& options = {},
                   FitCallback const& callback = {}) {
  AdamFit<ObjectiveType> fit(objective, options);
  return fit.run(callback);
}

}  // namespace splinegrid

#endif
