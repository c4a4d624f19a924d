// `splinegrid eval`: values (and gradients) of a saved grid at points from a CSV file.

#include "commands.hpp"
#include "csv.hpp"

#include <splinegrid/grid_file.hpp>
#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace splinegrid::cli {

namespace {

using Memory = Kokkos::DefaultExecutionSpace::memory_space;

template <int Dim>
void eval_dim(GridFileData const& data, CsvTable const& table, bool derivatives, std::FILE* out) {
  auto const grid = grid_from_file_data<double, Dim, Memory>(data);
  std::int64_t const n = table.total_rows;
  int const C = grid.channels();
  Kokkos::View<double**, Kokkos::LayoutRight, Memory> points("points", n, Dim), values("values", n, C);
  Kokkos::View<double***, Kokkos::LayoutRight, Memory> gradients("gradients", n, C, Dim);
  auto hp = Kokkos::create_mirror_view(points);
  for (std::int64_t i = 0; i < n * Dim; ++i) hp.data()[i] = table.values[static_cast<std::size_t>(i)];
  Kokkos::deep_copy(points, hp);
  if (derivatives)
    evaluate_gradients(grid, points, values, gradients);
  else
    evaluate(grid, points, values);
  auto hv = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, gradients);
  char const* axis[4] = {"x", "y", "z", "w"};
  for (int k = 0; k < Dim; ++k) std::fprintf(out, "%s%s", k ? "," : "", axis[k]);
  for (int c = 0; c < C; ++c) std::fprintf(out, ",value%d", c);
  if (derivatives)
    for (int c = 0; c < C; ++c)
      for (int k = 0; k < Dim; ++k) std::fprintf(out, ",d_value%d/d%s", c, axis[k]);
  std::fprintf(out, "\n");
  for (std::int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < Dim; ++k) std::fprintf(out, "%s%.17g", k ? "," : "", hp(i, k));
    for (int c = 0; c < C; ++c) std::fprintf(out, ",%.17g", hv(i, c));
    if (derivatives)
      for (int c = 0; c < C; ++c)
        for (int k = 0; k < Dim; ++k) std::fprintf(out, ",%.17g", hg(i, c, k));
    std::fprintf(out, "\n");
  }
}

}  // namespace

int run_eval(Session const& session, Args const& args) {
  std::string const grid_path = args.required("--grid");
  std::string const points_path = args.required("--points");
  std::string const output = args.text("--output");
  if (!args.positional().empty()) throw InputError("unexpected argument '" + args.positional()[0] + "'");
  GridFileData data;
  try {
    data = read_grid_file(grid_path);
  } catch (std::runtime_error const& e) {
    throw InputError(e.what());
  }
  CsvTable const table = read_csv(points_path);
  if (table.columns != data.dimension)
    throw InputError(points_path + ": " + std::to_string(table.columns) + " columns, but " +
                     grid_path + " is a " + std::to_string(data.dimension) + "D grid");
  if (!session.root()) return 0;
  std::FILE* out = stdout;
  if (!output.empty()) {
    out = std::fopen(output.c_str(), "w");
    if (!out) throw InputError("option --output: cannot create " + output);
  }
  bool const derivatives = args.flag("--derivatives");
  switch (data.dimension) {
    case 1: eval_dim<1>(data, table, derivatives, out); break;
    case 2: eval_dim<2>(data, table, derivatives, out); break;
    case 3: eval_dim<3>(data, table, derivatives, out); break;
    default: eval_dim<4>(data, table, derivatives, out); break;
  }
  if (out != stdout && std::fclose(out) != 0) throw InputError("option --output: write error on " + output);
  return 0;
}

}  // namespace splinegrid::cli
