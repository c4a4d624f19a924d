// `splinegrid fit`: fit a grid to samples (a file or the demo dataset) by least
// squares, Adam or L-BFGS, with checkpoints, resume, progress, a summary and a plot.

#include "commands.hpp"
#include "plot.hpp"
#include "progress.hpp"
#include "samples.hpp"

#include <splinegrid/grid_file.hpp>
#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace splinegrid::cli {

namespace {

using Memory = Kokkos::DefaultExecutionSpace::memory_space;
using Exec = Kokkos::DefaultExecutionSpace;
using HostMatrix = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;
using DeviceMatrix = Kokkos::View<double**, Kokkos::LayoutRight, Memory>;

struct FitConfig {
  std::string input, output, checkpoint, resume, plot, method;
  int dim = 0, channels = 0;
  std::vector<std::int64_t> resolution;
  std::vector<std::pair<double, double>> domain;
  Basis basis = Basis::bspline;
  double lambda = 0, tolerance = 0, learning_rate = 0;
  std::int64_t iterations = 0, checkpoint_every = 0, batch_size = 0, demo_points = 0;
  std::uint64_t seed = 0;
};

DeviceMatrix to_device(std::vector<double> const& data, std::int64_t rows, std::int64_t cols) {
  DeviceMatrix m(std::string("splinegrid::cli::matrix"), rows, cols);
  auto h = Kokkos::create_mirror_view(m);
  for (std::int64_t i = 0; i < rows * cols; ++i) h.data()[i] = data[static_cast<std::size_t>(i)];
  Kokkos::deep_copy(m, h);
  return m;
}

std::vector<double> to_host(DeviceMatrix const& m) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, m);
  return std::vector<double>(h.data(), h.data() + h.span());
}

template <int Dim>
std::vector<double> evaluate_at(Grid<double, Dim, Memory> const& grid, std::vector<double> const& points) {
  std::int64_t const n = static_cast<std::int64_t>(points.size()) / Dim;
  DeviceMatrix values("values", n, grid.channels());
  if (n > 0) evaluate(grid, to_device(points, n, Dim), values);
  Kokkos::fence();
  return to_host(values);
}

std::string fingerprint(FitConfig const& c, Samples const& s, int ranks) {
  std::ostringstream f;
  f.precision(17);
  f << "dim=" << c.dim << ";channels=" << c.channels << ";resolution=";
  for (auto n : c.resolution) f << n << ",";
  f << ";basis=" << to_string(c.basis) << ";domain=";
  for (auto const& d : c.domain) f << d.first << ":" << d.second << ",";
  f << ";method=" << c.method << ";lambda=" << c.lambda << ";tolerance=" << c.tolerance
    << ";learning_rate=" << c.learning_rate << ";batch_size=" << c.batch_size << ";seed=" << c.seed
    << ";source=" << s.source << ";samples=" << s.total << ";ranks=" << ranks;
  return f.str();
}

// Runs a solver to its end with progress, checkpoints and resume; returns its report.
template <int Dim, class Solver>
FitReport drive(Session const& session, FitConfig const& config, Solver& solver,
                Grid<double, Dim, Memory> const& grid, std::string const& print,
                GridFileData const* resume, char const* measure_name) {
  if (resume) solver.restore(*resume->checkpoint);
  Progress progress(session.root(), config.iterations, solver.progress().iteration, measure_name);
  while (solver.iterate()) {
    FitProgress const p = solver.progress();
    progress.update(p.iteration, p.loss, p.measure);
    if (!config.checkpoint.empty() && p.iteration % config.checkpoint_every == 0 && session.root()) {
      GridFileData data = to_grid_file_data(grid);
      data.checkpoint = solver.state();
      data.checkpoint_fingerprint = print;
      write_grid_file(config.checkpoint, data);
    }
  }
  progress.finish();
  return solver.run();
}

// The --plot PNG: 1D curve over (rank 0's) samples; 2D+ heat map of channel 0 on
// axes 0 and 1 (other axes at the domain centre) with the control-point lattice.
template <int Dim>
void write_plot(FitConfig const& config, Grid<double, Dim, Memory> const& grid,
                Samples const& samples, std::vector<double> const&) {
  auto const& dom = grid.domain();
  auto const cp = to_host(grid.control_points());
  if constexpr (Dim == 1) {
    std::vector<double> sx, sy, cx, cy, kx, ky;
    std::int64_t const n = std::min<std::int64_t>(samples.rows(), 5000);
    for (std::int64_t i = 0; i < n; ++i) {
      sx.push_back(samples.points[static_cast<std::size_t>(i)]);
      sy.push_back(samples.values[static_cast<std::size_t>(i * config.channels)]);
    }
    for (int i = 0; i <= 800; ++i) cx.push_back(dom.lo[0] + (dom.hi[0] - dom.lo[0]) * i / 800.0);
    std::vector<double> const curve = evaluate_at<1>(grid, cx);
    for (int i = 0; i <= 800; ++i) cy.push_back(curve[static_cast<std::size_t>(i * config.channels)]);
    std::int64_t const m = grid.resolution(0);
    for (std::int64_t i = 0; i < m; ++i) {
      kx.push_back(m == 1 ? 0.5 * (dom.lo[0] + dom.hi[0]) : dom.lo[0] + (dom.hi[0] - dom.lo[0]) * double(i) / double(m - 1));
      ky.push_back(cp[static_cast<std::size_t>(i * config.channels)]);
    }
    plot_curve(config.plot, dom.lo[0], dom.hi[0], sx, sy, cx, cy, kx, ky);
  } else {
    int const size = 500;
    std::vector<double> points;
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x)
        for (int k = 0; k < Dim; ++k) {
          double t = 0.5;
          if (k == 0) t = (x + 0.5) / size;
          if (k == 1) t = 1.0 - (y + 0.5) / size;
          points.push_back(dom.lo[k] + (dom.hi[k] - dom.lo[k]) * t);
        }
    std::vector<double> const values = evaluate_at<Dim>(grid, points);
    std::vector<double> field(static_cast<std::size_t>(size * size));
    for (std::size_t i = 0; i < field.size(); ++i) field[i] = values[i * static_cast<std::size_t>(config.channels)];
    std::vector<double> lx, ly;
    std::int64_t const n0 = grid.resolution(0), n1 = grid.resolution(1);
    for (std::int64_t i = 0; i < n0; ++i)
      for (std::int64_t j = 0; j < n1; ++j) {
        double const tx = n0 == 1 ? 0.5 : double(i) / double(n0 - 1);
        double const ty = n1 == 1 ? 0.5 : double(j) / double(n1 - 1);
        lx.push_back(tx * (size - 1));
        ly.push_back((1.0 - ty) * (size - 1));
      }
    plot_heat_map(config.plot, size, size, field, lx, ly);
  }
}

template <int Dim>
int fit_dim(Session const& session, FitConfig config, Samples const& samples) {
  std::array<std::int64_t, Dim> res;
  Domain<Dim> domain;
  for (int k = 0; k < Dim; ++k) {
    res[k] = config.resolution[k];
    domain.lo[k] = config.domain[k].first;
    domain.hi[k] = config.domain[k].second;
  }
  Grid<double, Dim, Memory> grid(res, config.channels, config.basis, domain);
  std::string const print = fingerprint(config, samples, session.size());

  GridFileData resume_data;
  GridFileData const* resume = nullptr;
  if (!config.resume.empty()) {
    std::string error;
    try {
      resume_data = read_grid_file(config.resume);
      if (!resume_data.checkpoint) throw InputError(config.resume + ": holds no checkpoint");
      if (resume_data.checkpoint_fingerprint != print)
        throw InputError(config.resume +
                         ": checkpoint belongs to a different fit (options, data or rank "
                         "count differ): " + resume_data.checkpoint_fingerprint);
      grid = grid_from_file_data<double, Dim, Memory>(resume_data);
      resume = &resume_data;
    } catch (std::exception const& e) {
      error = e.what();
    }
    session.agree(error);
  }

  std::int64_t const n = samples.rows();
  Observations<double, Dim, Memory> obs;
  obs.points = to_device(samples.points, n, Dim);
  obs.values = to_device(samples.values, n, config.channels);
  auto const start = std::chrono::steady_clock::now();
  FitReport report;
  char const* measure = "measure";
  if (config.method == "lsq") {
    LeastSquaresOptions o;
    o.penalty.smoothness = config.lambda;
    o.tolerance = config.tolerance;
    o.max_iterations = config.iterations;
    LeastSquaresFit<double, Dim, Memory, Exec> solver(Exec{}, grid, obs, o, session.comm());
    measure = "relative residual";
    report = drive<Dim>(session, config, solver, grid, print, resume, measure);
  } else {
    Objective<double, Dim, Memory, SquaredLoss, Exec> objective(
        Exec{}, grid, obs, SquaredLoss{}, Penalty{config.lambda, 0.0}, session.comm(),
        AdjointStrategy::fast, "splinegrid fit");
    if (config.method == "adam") {
      AdamOptions o;
      o.iterations = config.iterations;
      o.learning_rate = config.learning_rate;
      o.batch_size = config.batch_size;
      o.seed = config.seed;
      o.tolerance = config.tolerance;
      AdamFit<decltype(objective)> solver(objective, o);
      measure = "gradient norm";
      report = drive<Dim>(session, config, solver, grid, print, resume, measure);
    } else {
      LbfgsOptions o;
      o.max_iterations = config.iterations;
      o.tolerance = config.tolerance;
      LbfgsFit<decltype(objective)> solver(objective, o);
      measure = "relative gradient";
      report = drive<Dim>(session, config, solver, grid, print, resume, measure);
    }
  }
  Kokkos::fence();
  double const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Errors: RMSE against the samples, and against the true function for the demo.
  std::vector<double> const fitted = evaluate_at<Dim>(grid, samples.points);
  double sums[2] = {0, 0};
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < config.channels; ++c) {
      std::size_t const j = static_cast<std::size_t>(i * config.channels + c);
      double const d = fitted[j] - samples.values[j];
      sums[0] += d * d;
      if (config.input.empty()) {
        double const t = fitted[j] - demo_truth(Dim, c, &samples.points[static_cast<std::size_t>(i * Dim)]);
        sums[1] += t * t;
      }
    }
  session.comm().sum(sums, 2);
  double const count = double(samples.total) * config.channels;

  if (session.root()) {
    write_grid_file(config.output, to_grid_file_data(grid));
    std::printf("fit: %s on %lld samples (%s, %dD, C=%d, %s), grid %s", config.method.c_str(),
                (long long)samples.total, samples.source.c_str(), Dim, config.channels,
                session.comm().describe().c_str(), to_string(config.basis));
    for (int k = 0; k < Dim; ++k) std::printf("%s%lld", k ? "x" : " ", (long long)res[k]);
    std::printf("\n");
    std::printf("fit: %lld iterations (%s), loss %.6e, %s %.3e\n", (long long)report.iterations,
                report.stop_reason.c_str(), report.loss, measure, report.measure);
    std::printf("fit: RMSE on the input %.6f", std::sqrt(sums[0] / count));
    if (config.input.empty())
      std::printf(", RMSE vs the true function %.6f (noise sigma 0.05)", std::sqrt(sums[1] / count));
    std::printf("\nfit: %.3f s, %.3g points/s (samples x iterations / time)\n", seconds,
                seconds > 0 ? double(samples.total) * double(report.iterations) / seconds : 0.0);
    std::printf("fit: wrote %s\n", config.output.c_str());
    if (!config.plot.empty()) {
      write_plot<Dim>(config, grid, samples, fitted);
      std::printf("fit: wrote %s\n", config.plot.c_str());
    }
  }
  return 0;
}

}  // namespace

int run_fit(Session const& session, Args const& args) {
  FitConfig c;
  c.input = args.text("--input");
  c.dim = static_cast<int>(args.integer("--dim", 0, 1, 4));
  c.channels = static_cast<int>(args.integer("--channels", 0, 1, 1 << 20));
  c.resolution = args.integer_list("--resolution", 1);
  std::string const basis = args.text("--basis", "bspline");
  if (basis != "bspline" && basis != "catmull_rom")
    throw InputError("option --basis: '" + basis + "' is not bspline or catmull_rom");
  c.basis = basis_from_string(basis);
  c.method = args.text("--method", "lsq");
  if (c.method != "lsq" && c.method != "adam" && c.method != "lbfgs")
    throw InputError("option --method: '" + c.method + "' is not lsq, adam or lbfgs");
  c.lambda = args.real("--lambda", 0.0);
  if (c.lambda < 0) throw InputError("option --lambda: must be >= 0");
  std::int64_t const default_iterations = c.method == "lsq" ? 1000 : (c.method == "adam" ? 2000 : 500);
  c.iterations = args.integer("--iterations", default_iterations, 0, std::int64_t(1) << 40);
  c.tolerance = args.real("--tolerance", c.method == "lsq" ? 1e-10 : (c.method == "lbfgs" ? 1e-8 : 0.0));
  if (c.tolerance < 0) throw InputError("option --tolerance: must be >= 0");
  c.output = args.required("--output");
  c.checkpoint = args.text("--checkpoint");
  c.checkpoint_every = args.integer("--checkpoint-every", 10, 1, std::int64_t(1) << 40);
  if (args.has("--checkpoint-every") && c.checkpoint.empty())
    throw InputError("option --checkpoint-every needs --checkpoint FILE");
  c.resume = args.text("--resume");
  c.plot = args.text("--plot");
  c.seed = static_cast<std::uint64_t>(args.integer("--seed", 0, 0, std::int64_t(1) << 62));
  c.learning_rate = args.real("--learning-rate", 0.01);
  if (!(c.learning_rate > 0)) throw InputError("option --learning-rate: must be > 0");
  c.batch_size = args.integer("--batch-size", 0, 0, std::int64_t(1) << 40);
  c.demo_points = args.integer("--points", 0, 1, std::int64_t(1) << 40);
  if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional()[0] + "'");
  if (!c.input.empty() && args.has("--points"))
    throw InputError("option --points applies to the demo dataset only (no --input)");

  Samples samples;
  if (c.input.empty()) {
    if (c.dim == 0) c.dim = static_cast<int>(c.resolution.size());
    if (c.channels == 0) c.channels = 1;
    std::int64_t const n = c.demo_points ? c.demo_points : (c.dim == 1 ? 1000 : 20000);
    samples = demo_samples(session, c.dim, c.channels, n, c.seed);
  } else {
    samples = read_samples(session, c.input, c.dim, c.channels);
    c.dim = samples.dim;
    c.channels = samples.channels;
  }
  if (static_cast<int>(c.resolution.size()) != c.dim)
    throw InputError("option --resolution: " + std::to_string(c.resolution.size()) +
                     " values for " + std::to_string(c.dim) + "D data");
  if (args.has("--domain")) {
    c.domain = args.range_list("--domain");
    if (static_cast<int>(c.domain.size()) != c.dim)
      throw InputError("option --domain: " + std::to_string(c.domain.size()) + " ranges for " +
                       std::to_string(c.dim) + "D data");
  } else if (c.input.empty()) {
    c.domain.assign(static_cast<std::size_t>(c.dim), {0.0, 1.0});
  } else {  // the samples' bounding box over all ranks
    for (int k = 0; k < c.dim; ++k) {
      double lo = INFINITY, hi = -INFINITY;
      for (std::int64_t i = 0; i < samples.rows(); ++i) {
        double const x = samples.points[static_cast<std::size_t>(i * c.dim + k)];
        lo = std::min(lo, x), hi = std::max(hi, x);
      }
      double neg_lo = -lo;
      session.comm().max(neg_lo);
      session.comm().max(hi);
      lo = -neg_lo;
      if (!(lo < hi)) lo -= 0.5, hi += 0.5;  // all samples at one coordinate
      c.domain.emplace_back(lo, hi);
    }
  }
  switch (c.dim) {
    case 1: return fit_dim<1>(session, c, samples);
    case 2: return fit_dim<2>(session, c, samples);
    case 3: return fit_dim<3>(session, c, samples);
    default: return fit_dim<4>(session, c, samples);
  }
}

}  // namespace splinegrid::cli
