#ifndef SPLINEGRID_CHECK_CASE_IMPL_HPP
#define SPLINEGRID_CHECK_CASE_IMPL_HPP

// Definition of check_case() (declared in check_case.hpp), included only by
// check_case.cpp, which instantiates it once for every enabled execution space.

#include "check_case.hpp"
#include "reference_case.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace splinegrid::reference {

namespace detail {

/// How a kind is built: basis, per-axis boundary and extrapolation, and whether
/// the data are samples to interpolate (true) or control points (false).
struct KindSetup {
  Basis basis;
  Boundary boundary;
  Extrapolation extrapolation;
  bool interpolating;
};

inline std::optional<KindSetup> kind_setup(std::string const& kind) {
  if (kind == "bspline") return KindSetup{Basis::bspline, Boundary::linear, Extrapolation::clamp, false};
  if (kind == "catmull_rom")
    return KindSetup{Basis::catmull_rom, Boundary::linear, Extrapolation::clamp, false};
  auto interp = [](Boundary b, Extrapolation e) { return KindSetup{Basis::bspline, b, e, true}; };
  if (kind == "natural") return interp(Boundary::natural, Extrapolation::extend);
  if (kind == "not_a_knot") return interp(Boundary::not_a_knot, Extrapolation::extend);
  if (kind == "prefiltered_mirror") return interp(Boundary::mirror, Extrapolation::extend);
  if (kind == "prefiltered_reflect") return interp(Boundary::reflect, Extrapolation::extend);
  if (kind == "prefiltered_wrap") return interp(Boundary::wrap, Extrapolation::extend);
  if (kind == "prefiltered_nearest") return interp(Boundary::nearest, Extrapolation::extend);
  if (kind == "prefiltered_grid_constant")
    return interp(Boundary::grid_constant, Extrapolation::extend);
  if (kind == "prefiltered_constant") return interp(Boundary::mirror, Extrapolation::fill);
  return std::nullopt;
}

template <class Scalar, class MemorySpace>
Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> to_device(std::vector<double> const& v,
                                                                   std::int64_t rows,
                                                                   std::int64_t cols,
                                                                   char const* label) {
  Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> out(std::string(label), rows, cols);
  auto host = Kokkos::create_mirror_view(out);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) host(i, j) = static_cast<Scalar>(v[i * cols + j]);
  Kokkos::deep_copy(out, host);
  return out;
}

template <class ViewType>
std::vector<double> to_host(ViewType const& view) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, view);
  std::vector<double> out;
  out.reserve(host.size());
  for (std::size_t i = 0; i < host.extent(0); ++i)
    for (std::size_t j = 0; j < host.extent(1); ++j) out.push_back(double(host(i, j)));
  return out;
}

struct Comparison {
  bool passed = true;
  std::string detail;
  void add(char const* key, std::vector<double> const& got, std::vector<double> const& ref,
           double tolerance) {
    double const e = relative_error(got, ref);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s %.2e", detail.empty() ? "" : ", ", key, e);
    detail += buf;
    if (!(e <= tolerance)) {
      passed = false;
      detail += " (FAIL)";
    }
  }
};

template <class ExecutionSpace, class Scalar, int Dim>
CaseResult run_kind(ReferenceCase const& c, KindSetup const& setup) {
  using Memory = typename ExecutionSpace::memory_space;
  std::array<std::int64_t, Dim> resolution;
  for (int k = 0; k < Dim; ++k) resolution[k] = c.resolution[k];
  Grid<Scalar, Dim, Memory> grid(resolution, c.channels, setup.basis);
  grid.set_boundary(setup.boundary, setup.extrapolation);
  std::vector<Scalar> data(c.data.begin(), c.data.end());
  grid.copy_from_channel_first(data);

  ExecutionSpace exec;
  Comparison cmp;
  double const tol = c.tolerance();
  if (setup.interpolating) {
    interpolate(exec, grid, grid.control_points());  // in place: samples -> coefficients
    exec.fence();
    if (!c.coefficients.empty()) {
      std::vector<Scalar> const got = grid.copy_to_channel_first();
      cmp.add("coefficients", std::vector<double>(got.begin(), got.end()), c.coefficients, tol);
    }
  }
  auto points = to_device<Scalar, Memory>(c.points, c.npoints, Dim, "points");
  auto weights = to_device<Scalar, Memory>(c.weights, c.npoints, c.channels, "weights");
  Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory> values("values", c.npoints, c.channels);
  evaluate(exec, grid, points, values);
  exec.fence();
  cmp.add("values", to_host(values), c.values, tol);
  if (!c.derivatives.empty()) {
    Kokkos::View<Scalar***, Kokkos::LayoutRight, Memory> grads("grads", c.npoints, c.channels, Dim);
    evaluate_gradients(exec, grid, points, values, grads);
    auto const h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, grads);
    cmp.add("derivatives", std::vector<double>(h.data(), h.data() + h.size()), c.derivatives, tol);
  }
  for (AdjointStrategy strategy : {AdjointStrategy::fast, AdjointStrategy::deterministic}) {
    bool const fast = strategy == AdjointStrategy::fast;
    typename Grid<Scalar, Dim, Memory>::control_points_type grad_cp("grad_cp",
                                                                    grid.num_control_points(),
                                                                    c.channels);
    Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory> grad_points("grad_points", c.npoints,
                                                                    Dim);
    AdjointOptions options;
    options.strategy = strategy;
    adjoint(exec, grid, points, weights, grad_cp, grad_points, options);
    if (setup.interpolating) interpolate_adjoint(exec, grid, grad_cp, grad_cp);
    exec.fence();
    std::vector<Scalar> gd = grid.to_channel_first(grad_cp);
    cmp.add(fast ? "grad_data" : "grad_data[det]", std::vector<double>(gd.begin(), gd.end()),
            c.grad_data, tol);
    cmp.add(fast ? "grad_points" : "grad_points[det]", to_host(grad_points), c.grad_points, tol);
  }
  return {cmp.passed, cmp.detail};
}

template <class ExecutionSpace, class Scalar, int Dim>
CaseResult run_typed(ReferenceCase const& c) {
  if (auto setup = kind_setup(c.kind)) return run_kind<ExecutionSpace, Scalar, Dim>(c, *setup);
  return {false, "kind '" + c.kind + "' is not supported"};
}

template <class ExecutionSpace, class Scalar>
CaseResult run_scalar(ReferenceCase const& c) {
  switch (c.ndim) {
    case 1: return run_typed<ExecutionSpace, Scalar, 1>(c);
    case 2: return run_typed<ExecutionSpace, Scalar, 2>(c);
    case 3: return run_typed<ExecutionSpace, Scalar, 3>(c);
    case 4: return run_typed<ExecutionSpace, Scalar, 4>(c);
    default: return {false, "ndim must be 1..4"};
  }
}

}  // namespace detail

template <class ExecutionSpace>
CaseResult check_case(ReferenceCase const& c) {
  try {
    return c.is_float32() ? detail::run_scalar<ExecutionSpace, float>(c)
                          : detail::run_scalar<ExecutionSpace, double>(c);
  } catch (std::exception const& e) {
    return {false, std::string("exception: ") + e.what()};
  }
}

}  // namespace splinegrid::reference

#endif
