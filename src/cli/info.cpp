// `splinegrid info`: what a grid file holds.

#include "commands.hpp"

#include <splinegrid/grid_file.hpp>
#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace splinegrid::cli {

namespace {

using Memory = Kokkos::DefaultExecutionSpace::memory_space;

// Range of channel values of the field on a lattice of at most ~1e5 points.
template <int Dim>
void field_range(GridFileData const& data, double& lo, double& hi) {
  auto const grid = grid_from_file_data<double, Dim, Memory>(data);
  std::int64_t per_axis = 2;
  while (std::pow(double(per_axis + 1), Dim) <= 1e5 && per_axis < 1025) ++per_axis;
  std::int64_t total = 1;
  for (int k = 0; k < Dim; ++k) total *= per_axis;
  Kokkos::View<double**, Kokkos::LayoutRight, Memory> points("points", total, Dim),
      values("values", total, grid.channels());
  auto hp = Kokkos::create_mirror_view(points);
  for (std::int64_t p = 0; p < total; ++p) {
    std::int64_t rest = p;
    for (int k = Dim - 1; k >= 0; --k) {
      double const t = double(rest % per_axis) / double(per_axis - 1);
      rest /= per_axis;
      hp(p, k) = data.domain_lo[k] + t * (data.domain_hi[k] - data.domain_lo[k]);
    }
  }
  Kokkos::deep_copy(points, hp);
  evaluate(grid, points, values);
  auto hv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
  lo = INFINITY, hi = -INFINITY;
  for (std::size_t i = 0; i < hv.span(); ++i) lo = std::min(lo, hv.data()[i]), hi = std::max(hi, hv.data()[i]);
}

}  // namespace

int run_info(Session const& session, Args const& args) {
  if (args.positional().size() != 1) throw InputError("usage: splinegrid info GRID.h5");
  std::string const path = args.positional()[0];
  GridFileData d;
  try {
    d = read_grid_file(path);
  } catch (std::runtime_error const& e) {
    throw InputError(e.what());
  }
  if (!session.root()) return 0;
  double lo = 0, hi = 0;
  switch (d.dimension) {
    case 1: field_range<1>(d, lo, hi); break;
    case 2: field_range<2>(d, lo, hi); break;
    case 3: field_range<3>(d, lo, hi); break;
    default: field_range<4>(d, lo, hi); break;
  }
  auto const [cmin, cmax] = std::minmax_element(d.control_points.begin(), d.control_points.end());
  std::printf("file:            %s\n", path.c_str());
  std::printf("format:          splinegrid-grid version %d (written by splinegrid %s)\n",
              d.format_version, d.library_version.c_str());
  std::printf("kind:            %s\n", to_string(d.basis));
  std::printf("dimension:       %d\n", d.dimension);
  std::printf("resolution:      ");
  for (int k = 0; k < d.dimension; ++k) std::printf("%s%lld", k ? " x " : "", (long long)d.resolution[k]);
  std::printf("\nchannels:        %d\n", d.channels);
  std::printf("domain:          ");
  for (int k = 0; k < d.dimension; ++k) std::printf("%s[%g, %g]", k ? " x " : "", d.domain_lo[k], d.domain_hi[k]);
  std::printf("\nboundary:        ");
  for (int k = 0; k < d.dimension; ++k)
    std::printf("%s%s/%s", k ? ", " : "", to_string(d.boundary[k]), to_string(d.extrapolation[k]));
  std::printf("\nscalar:          %s\n", d.scalar.c_str());
  std::printf("control points:  %zu values in [%.6g, %.6g]\n", d.control_points.size(), *cmin, *cmax);
  std::printf("field range:     [%.6g, %.6g] (sampled on a lattice over the domain)\n", lo, hi);
  if (d.checkpoint)
    std::printf("checkpoint:      %s at iteration %lld\n", d.checkpoint->method.c_str(),
                (long long)d.checkpoint->iteration);
  return 0;
}

}  // namespace splinegrid::cli
