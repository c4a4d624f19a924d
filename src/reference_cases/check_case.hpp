#ifndef SPLINEGRID_CHECK_CASE_HPP
#define SPLINEGRID_CHECK_CASE_HPP

// Runs one reference case on one execution space and compares every key the case's
// kind defines with the library's result.

#include "reference_case.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace splinegrid::reference {

struct CaseResult {
  bool passed = false;
  std::string detail;  // per-key maximum relative errors, or why it failed
};

namespace detail {

inline std::optional<Basis> torch_basis(std::string const& kind) {
  if (kind == "bspline") return Basis::bspline;
  if (kind == "catmull_rom") return Basis::catmull_rom;
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
CaseResult run_torch_kind(ReferenceCase const& c, Basis basis) {
  using Memory = typename ExecutionSpace::memory_space;
  std::array<std::int64_t, Dim> resolution;
  for (int k = 0; k < Dim; ++k) resolution[k] = c.resolution[k];
  Grid<Scalar, Dim, Memory> grid(resolution, c.channels, basis);
  std::vector<Scalar> data(c.data.begin(), c.data.end());
  grid.copy_from_channel_first(data);

  ExecutionSpace exec;
  auto points = to_device<Scalar, Memory>(c.points, c.npoints, Dim, "points");
  auto weights = to_device<Scalar, Memory>(c.weights, c.npoints, c.channels, "weights");
  Kokkos::View<Scalar**, Kokkos::LayoutRight, Memory> values("values", c.npoints, c.channels);
  evaluate(exec, grid, points, values);
  exec.fence();

  Comparison cmp;
  double const tol = c.tolerance();
  cmp.add("values", to_host(values), c.values, tol);
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
  if (auto basis = torch_basis(c.kind)) return run_torch_kind<ExecutionSpace, Scalar, Dim>(c, *basis);
  return {false, "kind '" + c.kind + "' is not supported yet"};
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

/// Runs case `c` on ExecutionSpace in the case's dtype and compares values,
/// grad_data and grad_points (both adjoint strategies) at the case's tolerance.
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
