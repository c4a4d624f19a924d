#ifndef SPLINEGRID_CLI_PLOT_HPP
#define SPLINEGRID_CLI_PLOT_HPP

// PNG plots of fits (libpng): a 1D curve over its samples, or a heat map of a 2D
// field (slice) with the control-point lattice.

#include <string>
#include <vector>

namespace splinegrid::cli {

/// 1D: samples (gray dots), the fitted curve (blue), control points (red squares).
/// x in [lo, hi]; the y range covers samples and curve.
void plot_curve(std::string const& path, double lo, double hi, std::vector<double> const& sample_x,
                std::vector<double> const& sample_y, std::vector<double> const& curve_x,
                std::vector<double> const& curve_y, std::vector<double> const& control_x,
                std::vector<double> const& control_y);

/// 2D: field values (rows x cols, row 0 at the top = highest axis-1 coordinate)
/// mapped through a perceptual blue-yellow colour map, control points as white
/// dots at fractional pixel positions (x, y).
void plot_heat_map(std::string const& path, int rows, int cols, std::vector<double> const& field,
                   std::vector<double> const& lattice_x, std::vector<double> const& lattice_y);

}  // namespace splinegrid::cli

#endif
