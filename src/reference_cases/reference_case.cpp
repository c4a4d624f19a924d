#include "reference_case.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace splinegrid::reference {
namespace {

[[noreturn]] void fail(std::string const& path, std::string const& problem) {
  throw std::runtime_error("splinegrid::reference::read_reference_case: " + path + ": " +
                           problem);
}

std::vector<double> numbers(std::istringstream& line, std::string const& path,
                            std::string const& key) {
  std::vector<double> out;
  std::string token;
  while (line >> token) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(token, &used));
      if (used != token.size()) throw std::invalid_argument(token);
    } catch (std::exception const&) {
      fail(path, "key '" + key + "': not a number: '" + token + "'");
    }
  }
  return out;
}

void expect_size(std::vector<double> const& v, std::int64_t n, std::string const& path,
                 std::string const& key) {
  if (static_cast<std::int64_t>(v.size()) != n)
    fail(path, "key '" + key + "' has " + std::to_string(v.size()) + " values, expected " +
                   std::to_string(n));
}

}  // namespace

ReferenceCase read_reference_case(std::string const& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open");
  ReferenceCase c;
  c.name = std::filesystem::path(path).stem().string();
  std::string text;
  while (std::getline(in, text)) {
    std::istringstream line(text);
    std::string key;
    if (!(line >> key)) continue;
    if (key == "kind") {
      line >> c.kind;
    } else if (key == "dtype") {
      line >> c.dtype;
    } else if (key == "ndim") {
      line >> c.ndim;
    } else if (key == "channels") {
      line >> c.channels;
    } else if (key == "npoints") {
      line >> c.npoints;
    } else if (key == "resolution") {
      for (double v : numbers(line, path, key)) c.resolution.push_back(std::int64_t(v));
    } else {
      std::vector<double> v = numbers(line, path, key);
      if (key == "data") c.data = std::move(v);
      else if (key == "points") c.points = std::move(v);
      else if (key == "values") c.values = std::move(v);
      else if (key == "weights") c.weights = std::move(v);
      else if (key == "grad_data") c.grad_data = std::move(v);
      else if (key == "grad_points") c.grad_points = std::move(v);
      else if (key == "derivatives") c.derivatives = std::move(v);
      else if (key == "coefficients") c.coefficients = std::move(v);
      else fail(path, "unknown key '" + key + "'");
    }
  }
  if (c.kind.empty()) fail(path, "missing 'kind'");
  if (c.dtype != "float64" && c.dtype != "float32") fail(path, "dtype must be float64 or float32");
  if (c.ndim < 1 || c.ndim > 4) fail(path, "ndim must be 1..4");
  if (c.channels < 1) fail(path, "channels must be >= 1");
  if (static_cast<int>(c.resolution.size()) != c.ndim) fail(path, "resolution needs ndim values");
  std::int64_t size = c.channels;
  for (auto n : c.resolution) {
    if (n < 1) fail(path, "resolution must be >= 1");
    size *= n;
  }
  if (c.npoints < 1) fail(path, "npoints must be >= 1");
  expect_size(c.data, size, path, "data");
  expect_size(c.points, c.npoints * c.ndim, path, "points");
  expect_size(c.values, c.npoints * c.channels, path, "values");
  expect_size(c.weights, c.npoints * c.channels, path, "weights");
  expect_size(c.grad_data, size, path, "grad_data");
  expect_size(c.grad_points, c.npoints * c.ndim, path, "grad_points");
  if (!c.derivatives.empty())
    expect_size(c.derivatives, c.npoints * c.channels * c.ndim, path, "derivatives");
  if (!c.coefficients.empty()) expect_size(c.coefficients, size, path, "coefficients");
  return c;
}

std::vector<std::string> list_case_files(std::string const& directory) {
  std::vector<std::string> files;
  for (auto const& entry : std::filesystem::directory_iterator(directory)) {
    auto const& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".txt") files.push_back(p.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

double relative_error(std::vector<double> const& got, std::vector<double> const& ref) {
  if (got.size() != ref.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    double const e = std::fabs(got[i] - ref[i]) / (1 + std::fabs(ref[i]));
    if (std::isnan(e)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, e);
  }
  return worst;
}

}  // namespace splinegrid::reference
