#ifndef SPLINEGRID_LBFGS_HPP
#define SPLINEGRID_LBFGS_HPP

/// @file
/// L-BFGS (Nocedal 1980; Liu & Nocedal 1989) on an Objective, full batch, with a
/// backtracking Armijo line search using safeguarded quadratic interpolation.

#include <splinegrid/fit_report.hpp>
#include <splinegrid/objective.hpp>

#include <KokkosBlas1_axpby.hpp>
#include <KokkosBlas1_dot.hpp>
#include <KokkosBlas1_nrm2.hpp>
#include <KokkosBlas1_scal.hpp>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace splinegrid {

/// Options of LbfgsFit.
struct LbfgsOptions {
  int history = 10;                  ///< correction pairs kept (m)
  std::int64_t max_iterations = 200;  ///< iteration limit
  /// Stop when ||gradient|| <= tolerance · ||first gradient||.
  double tolerance = 1e-8;
  int max_line_search = 30;          ///< function evaluations per line search
  double armijo = 1e-4;              ///< sufficient-decrease constant c1
};

/// L-BFGS iterations on an objective; writes into the objective's grid.
template <class ObjectiveType>
class LbfgsFit {
 public:
  using matrix_type = typename ObjectiveType::matrix_type;  ///< (rows, C) control-point matrices
  using flat_type = typename ObjectiveType::flat_type;      ///< such a matrix as one vector
  using Scalar = typename matrix_type::non_const_value_type;  ///< float or double

  /// Checks the options (messages start with the fit function's name) and allocates
  /// the solver state; the objective's grid holds the starting point.
  LbfgsFit(ObjectiveType const& objective, LbfgsOptions const& options = {})
      : m_objective(objective), m_options(options) {
    constexpr char const* fn = "splinegrid::fit_lbfgs";
    require(options.history >= 1, fn, "history must be >= 1");
    require(options.max_iterations >= 0, fn, "max_iterations must be >= 0");
    require(std::isfinite(options.tolerance) && options.tolerance >= 0, fn,
            "tolerance must be finite and >= 0");
    require(options.max_line_search >= 1, fn, "max_line_search must be >= 1");
    require(options.armijo > 0 && options.armijo < 1, fn, "armijo must be in (0, 1)");
    auto const& grid = objective.grid();
    std::int64_t const rows = grid.num_control_points();
    int const channels = grid.channels();
    auto alloc = [&](char const* label, std::int64_t r) {
      return matrix_type(Kokkos::view_alloc(objective.exec(),
                                            std::string("splinegrid::lbfgs::") + label),
                         r, channels);
    };
    m_n = rows * channels;
    m_g = alloc("g", rows);
    m_d = alloc("d", rows);
    m_trial = alloc("trial", rows);
    m_trial_g = alloc("trial_g", rows);
    m_s = alloc("s", rows * options.history);
    m_y = alloc("y", rows * options.history);
    m_rho.assign(static_cast<std::size_t>(options.history), 0.0);
  }

  /// One L-BFGS iteration (direction, line search, update). Returns false when done.
  bool iterate() {
    Compat::ScopedRegion region("splinegrid::fit_lbfgs::iterate");
    if (!m_started) start();
    if (done()) return false;
    auto const& x = m_objective.grid().control_points();
    direction();
    double gd = dot(m_g, m_d);
    if (!(gd < 0)) {  // not a descent direction: forget the history
      m_count = 0;
      direction();
      gd = dot(m_g, m_d);
    }
    double alpha = m_count == 0 ? std::min(1.0, 1.0 / norm(m_g)) : 1.0;
    bool accepted = false;
    double f_trial = 0;
    for (int tries = 0; tries < m_options.max_line_search; ++tries) {
      Kokkos::deep_copy(m_trial, x);
      KokkosBlas::axpby(Scalar(alpha), flat(m_d), Scalar(1), flat(m_trial));
      f_trial = m_objective.value_and_gradient(m_trial, m_trial_g);
      if (std::isfinite(f_trial) && f_trial <= m_f + m_options.armijo * alpha * gd) {
        accepted = true;
        break;
      }
      // Minimiser of the quadratic through f(0), f'(0), f(alpha), kept in [0.1, 0.5] alpha.
      double const denominator = 2 * (f_trial - m_f - gd * alpha);
      double next = std::isfinite(f_trial) && denominator > 0 ? -gd * alpha * alpha / denominator
                                                              : 0.5 * alpha;
      alpha = std::min(std::max(next, 0.1 * alpha), 0.5 * alpha);
    }
    ++m_iteration;
    if (!accepted) {
      m_line_search_failed = true;
      return true;
    }
    // New pair s = alpha d, y = g_trial - g, kept if the curvature s.y > 0.
    int const slot = static_cast<int>((m_head + m_count) % m_options.history);
    matrix_type const s = pair(m_s, slot), y = pair(m_y, slot);
    Kokkos::deep_copy(s, m_d);
    KokkosBlas::scal(flat(s), Scalar(alpha), flat(s));
    Kokkos::deep_copy(y, m_trial_g);
    KokkosBlas::axpby(Scalar(-1), flat(m_g), Scalar(1), flat(y));
    double const sy = dot(s, y);
    if (sy > 1e-12 * norm(s) * norm(y)) {
      m_rho[static_cast<std::size_t>(slot)] = 1.0 / sy;
      if (m_count < m_options.history)
        ++m_count;
      else
        m_head = (m_head + 1) % m_options.history;
    }
    m_stalled = !(f_trial < m_f);
    Kokkos::deep_copy(x, m_trial);
    Kokkos::deep_copy(m_g, m_trial_g);
    m_f = f_trial;
    m_gradient_norm = norm(m_g);
    return true;
  }

  /// True once the tolerance was reached.
  bool converged() const {
    return m_started && m_gradient_norm <= m_options.tolerance * m_first_gradient_norm;
  }
  /// True when iterate() has nothing left to do.
  bool done() const {
    return converged() || m_line_search_failed || m_stalled ||
           m_iteration >= m_options.max_iterations;
  }

  /// Iteration, objective and gradient norm relative to the first one.
  FitProgress progress() const {
    FitProgress p;
    p.iteration = m_iteration;
    p.loss = m_f;
    p.measure = m_first_gradient_norm > 0 ? m_gradient_norm / m_first_gradient_norm : 0.0;
    return p;
  }

  /// Iterates until done() or the callback returns false; returns the report.
  FitReport run(FitCallback const& callback = {}) {
    Compat::ScopedRegion region("splinegrid::fit_lbfgs");
    bool const stopped = Impl::iterate_to_end(*this, callback);
    if (!m_started) start();
    return Impl::make_report(progress(), converged(), stopped,
                             m_line_search_failed ? "line_search"
                             : m_stalled          ? "stalled"
                                                  : "max_iterations");
  }


  /// History, gradient and counters (with the grid's control points: the position).
  OptimizerState state() const {
    OptimizerState st;
    st.method = "lbfgs";
    st.iteration = m_iteration;
    st.vectors["s"] = Impl::export_view(m_s);
    st.vectors["y"] = Impl::export_view(m_y);
    st.vectors["g"] = Impl::export_view(m_g);
    st.vectors["rho"] = m_rho;
    st.scalars["f"] = m_f;
    st.scalars["count"] = m_count;
    st.scalars["head"] = m_head;
    st.scalars["gradient_norm"] = m_gradient_norm;
    st.scalars["first_gradient_norm"] = m_first_gradient_norm;
    st.scalars["started"] = m_started ? 1 : 0;
    return st;
  }

  /// Continues from state(); the grid must hold the control points saved with it.
  void restore(OptimizerState const& st) {
    constexpr char const* fn = "splinegrid::LbfgsFit::restore";
    Impl::check_method(st, "lbfgs", fn);
    Impl::import_view(st, "s", m_s, fn);
    Impl::import_view(st, "y", m_y, fn);
    Impl::import_view(st, "g", m_g, fn);
    auto it = st.vectors.find("rho");
    require(it != st.vectors.end() && it->second.size() == m_rho.size(), fn,
            "state vector 'rho' is missing or has the wrong size (history differs?)");
    m_rho = it->second;
    m_f = Impl::import_scalar(st, "f", fn);
    m_count = static_cast<int>(Impl::import_scalar(st, "count", fn));
    m_head = static_cast<int>(Impl::import_scalar(st, "head", fn));
    m_gradient_norm = Impl::import_scalar(st, "gradient_norm", fn);
    m_first_gradient_norm = Impl::import_scalar(st, "first_gradient_norm", fn);
    m_started = Impl::import_scalar(st, "started", fn) != 0;
    m_iteration = st.iteration;
    m_line_search_failed = m_stalled = false;
  }

 private:
  void start() {
    m_f = m_objective.value_and_gradient(m_objective.grid().control_points(), m_g);
    m_gradient_norm = m_first_gradient_norm = norm(m_g);
    m_started = true;
  }

  // d = -H g by the two-loop recursion with H0 = (s.y / y.y) I of the newest pair.
  void direction() {
    Kokkos::deep_copy(m_d, m_g);
    std::vector<double> a(static_cast<std::size_t>(m_options.history));
    for (int k = m_count - 1; k >= 0; --k) {
      int const j = (m_head + k) % m_options.history;
      a[j] = m_rho[j] * dot(pair(m_s, j), m_d);
      KokkosBlas::axpby(Scalar(-a[j]), flat(pair(m_y, j)), Scalar(1), flat(m_d));
    }
    if (m_count > 0) {
      int const newest = (m_head + m_count - 1) % m_options.history;
      matrix_type const y = pair(m_y, newest);
      double const gamma = 1.0 / (m_rho[newest] * dot(y, y));
      KokkosBlas::scal(flat(m_d), Scalar(gamma), flat(m_d));
    }
    for (int k = 0; k < m_count; ++k) {
      int const j = (m_head + k) % m_options.history;
      double const b = m_rho[j] * dot(pair(m_y, j), m_d);
      KokkosBlas::axpby(Scalar(a[j] - b), flat(pair(m_s, j)), Scalar(1), flat(m_d));
    }
    KokkosBlas::scal(flat(m_d), Scalar(-1), flat(m_d));
  }

  matrix_type pair(matrix_type const& store, int slot) const {
    std::int64_t const rows = m_objective.grid().num_control_points();
    return Kokkos::subview(store, std::make_pair(slot * rows, (slot + 1) * rows), Kokkos::ALL);
  }
  static flat_type flat(matrix_type const& m) { return flat_type(m.data(), m.span()); }
  double dot(matrix_type const& a, matrix_type const& b) const {
    return Impl::consistent(m_objective.communicator(), KokkosBlas::dot(flat(a), flat(b)));
  }
  double norm(matrix_type const& a) const {
    return Impl::consistent(m_objective.communicator(), KokkosBlas::nrm2(flat(a)));
  }

  ObjectiveType m_objective;
  LbfgsOptions m_options;
  std::int64_t m_n = 0;
  matrix_type m_g, m_d, m_trial, m_trial_g, m_s, m_y;
  std::vector<double> m_rho;
  int m_count = 0, m_head = 0;
  double m_f = 0, m_gradient_norm = 0, m_first_gradient_norm = 0;
  std::int64_t m_iteration = 0;
  bool m_started = false, m_line_search_failed = false, m_stalled = false;
};

/// Fits the objective's grid with L-BFGS; the grid holds the result on return.
template <class ObjectiveType>
FitReport fit_lbfgs(ObjectiveType const& objective, LbfgsOptions const& options = {},
                    FitCallback const& callback = {}) {
  LbfgsFit<ObjectiveType> fit(objective, options);
  return fit.run(callback);
}

}  // namespace splinegrid

#endif
