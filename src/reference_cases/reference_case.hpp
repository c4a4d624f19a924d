#ifndef SPLINEGRID_REFERENCE_CASE_HPP
#define SPLINEGRID_REFERENCE_CASE_HPP

// One golden reference case (format: unit_tests/data/README.md), parsed.

#include <cstdint>
#include <string>
#include <vector>

namespace splinegrid::reference {

struct ReferenceCase {
  std::string name;  // file name without directory and ".txt"
  std::string kind;
  std::string dtype;  // "float64" or "float32"
  int ndim = 0;
  int channels = 0;
  std::vector<std::int64_t> resolution;
  std::int64_t npoints = 0;
  // Everything below is stored as parsed (double); float32 files hold values that
  // are exactly representable in float.
  std::vector<double> data, points, values, weights, grad_data, grad_points, derivatives,
      coefficients;

  bool is_float32() const { return dtype == "float32"; }
  /// |got - ref| <= tolerance() · (1 + |ref|) passes.
  double tolerance() const { return is_float32() ? 2e-5 : 1e-12; }
};

/// Parses a case file; throws std::runtime_error naming the file and the problem.
ReferenceCase read_reference_case(std::string const& path);

/// All "*.txt" files in a directory except README-like files, sorted by name.
std::vector<std::string> list_case_files(std::string const& directory);

/// Largest |got[i] - ref[i]| / (1 + |ref[i]|); infinity on size mismatch or NaN.
double relative_error(std::vector<double> const& got, std::vector<double> const& ref);

}  // namespace splinegrid::reference

#endif
