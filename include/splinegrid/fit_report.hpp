#ifndef SPLINEGRID_FIT_REPORT_HPP
#define SPLINEGRID_FIT_REPORT_HPP

/// @file
/// What the fitting solvers report, their progress callback, and their resumable
/// state (for checkpoints).

#include <splinegrid/error.hpp>

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace splinegrid {

/// Progress of a fit after one iteration.
struct FitProgress {
  std::int64_t iteration = 0;  ///< iterations done so far (1 after the first)
  double loss = std::numeric_limits<double>::quiet_NaN();  ///< objective (see each solver)
  /// Convergence measure: relative residual ||b - N c|| / ||b|| for least squares,
  /// gradient norm relative to the first one for L-BFGS, the batch gradient norm for Adam.
  double measure = std::numeric_limits<double>::quiet_NaN();
};

/// Called after every iteration; return false to stop the fit there.
using FitCallback = std::function<bool(FitProgress const&)>;

/// Result of a fit.
struct FitReport {
  std::int64_t iterations = 0;  ///< iterations done (including resumed ones)
  double loss = std::numeric_limits<double>::quiet_NaN();     ///< final objective
  double measure = std::numeric_limits<double>::quiet_NaN();  ///< final convergence measure
  bool converged = false;  ///< measure reached the tolerance
  std::string stop_reason;  ///< "tolerance", "max_iterations", "callback", "line_search"
};

/// Everything a solver needs to continue exactly where it stopped: the iteration
/// count, named vectors (host copies, in double so float state round-trips exactly)
/// and named scalars. The control points themselves live in the grid.
struct OptimizerState {
  std::string method;                                  ///< "lsq", "adam" or "lbfgs"
  std::int64_t iteration = 0;                          ///< iterations done
  std::map<std::string, std::vector<double>> vectors;  ///< named solver vectors
  std::map<std::string, double> scalars;               ///< named solver scalars
};

namespace Impl {

/// Host copy of a View as doubles (row-major).
template <class ViewType>
std::vector<double> export_view(ViewType const& view) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, view);
  std::vector<double> out(host.span());
  for (std::size_t i = 0; i < host.span(); ++i) out[i] = static_cast<double>(host.data()[i]);
  return out;
}

/// Fills a View from state.vectors[name]; throws naming `function` if missing or
/// of the wrong size.
template <class ViewType>
void import_view(OptimizerState const& state, std::string const& name, ViewType const& view,
                 char const* function) {
  auto it = state.vectors.find(name);
  require(it != state.vectors.end(), function, "state has no vector '" + name + "'");
  auto host = Kokkos::create_mirror_view(view);
  require(it->second.size() == host.span(), function,
          "state vector '" + name + "' has " + std::to_string(it->second.size()) +
              " entries, expected " + std::to_string(host.span()));
  using Value = typename ViewType::non_const_value_type;
  for (std::size_t i = 0; i < host.span(); ++i) host.data()[i] = static_cast<Value>(it->second[i]);
  Kokkos::deep_copy(view, host);
}

/// Runs solver.iterate() until it returns false, passing solver.progress() to the
/// callback after each iteration; returns true if the callback stopped the fit.
template <class Solver>
bool iterate_to_end(Solver& solver, FitCallback const& callback) {
  while (solver.iterate())
    if (callback && !callback(solver.progress())) return true;
  return false;
}

/// The report of a stopped solver: its progress, convergence and why it stopped
/// (`stopped_by_callback`, else converged -> "tolerance", else `otherwise`).
inline FitReport make_report(FitProgress const& progress, bool converged, bool stopped_by_callback,
                             std::string const& otherwise) {
  FitReport report;
  report.iterations = progress.iteration;
  report.loss = progress.loss;
  report.measure = progress.measure;
  report.converged = converged;
  report.stop_reason = stopped_by_callback ? "callback" : converged ? "tolerance" : otherwise;
  return report;
}

inline double import_scalar(OptimizerState const& state, std::string const& name,
                            char const* function) {
  auto it = state.scalars.find(name);
  require(it != state.scalars.end(), function, "state has no scalar '" + name + "'");
  return it->second;
}

inline void check_method(OptimizerState const& state, std::string const& method,
                         char const* function) {
  require(state.method == method, function,
          "state is from method '" + state.method + "', not '" + method + "'");
  require(state.iteration >= 0, function, "state iteration is negative");
}

}  // namespace Impl

}  // namespace splinegrid

#endif
