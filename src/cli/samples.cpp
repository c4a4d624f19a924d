#include "samples.hpp"

#include "csv.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdio>

namespace splinegrid::cli {

namespace {

constexpr double pi = 3.14159265358979323846;

double hash01(std::uint64_t i) {  // SplitMix64 finaliser -> (0, 1)
  std::uint64_t z = i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (double((z ^ (z >> 31)) >> 11) + 0.5) * 0x1.0p-53;
}

// Rows [begin, end) of a 2D float dataset; its column count is returned in `columns`.
std::vector<double> read_rows(std::string const& path, hid_t file, char const* name,
                              std::int64_t& rows, std::int64_t& columns, std::int64_t begin,
                              std::int64_t end, bool shape_only) {
  if (H5Lexists(file, name, H5P_DEFAULT) <= 0)
    throw InputError(path + ": missing dataset '" + std::string(name) + "'");
  hid_t const set = H5Dopen2(file, name, H5P_DEFAULT);
  if (set < 0) throw InputError(path + ": cannot open dataset '" + std::string(name) + "'");
  hid_t const space = H5Dget_space(set);
  std::vector<hsize_t> dims(2);
  int const rank = H5Sget_simple_extent_ndims(space);
  if (rank != 2) {
    H5Sclose(space);
    H5Dclose(set);
    throw InputError(path + ": dataset '" + std::string(name) + "' must be 2D (N, columns)");
  }
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  rows = static_cast<std::int64_t>(dims[0]);
  columns = static_cast<std::int64_t>(dims[1]);
  std::vector<double> out;
  if (!shape_only && end > begin) {
    out.resize(static_cast<std::size_t>((end - begin) * columns));
    hsize_t const start[2] = {static_cast<hsize_t>(begin), 0};
    hsize_t const count[2] = {static_cast<hsize_t>(end - begin), dims[1]};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
    hid_t const memory = H5Screate_simple(2, count, nullptr);
    herr_t const status = H5Dread(set, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, out.data());
    H5Sclose(memory);
    if (status < 0) {
      H5Sclose(space);
      H5Dclose(set);
      throw InputError(path + ": cannot read dataset '" + std::string(name) +
                       "' (truncated or corrupt file?)");
    }
  }
  H5Sclose(space);
  H5Dclose(set);
  return out;
}

bool is_hdf5_name(std::string const& path) {
  auto ends = [&](std::string const& s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".h5") || ends(".hdf5") || ends(".he5");
}

Samples read_hdf5(Session const& session, std::string const& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (FILE* f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else
    throw InputError(path + ": cannot open file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file (or truncated/corrupt)");
  hid_t const file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw InputError(path + ": cannot open as HDF5");
  Samples s;
  try {
    std::int64_t n, d, n2, c;
    read_rows(path, file, "points", n, d, 0, 0, true);
    read_rows(path, file, "values", n2, c, 0, 0, true);
    if (n != n2)
      throw InputError(path + ": points has " + std::to_string(n) + " rows but values has " +
                       std::to_string(n2));
    if (n == 0) throw InputError(path + ": no samples (points has 0 rows)");
    auto const [begin, end] = session.share(n);
    s.points = read_rows(path, file, "points", n, d, begin, end, false);
    s.values = read_rows(path, file, "values", n2, c, begin, end, false);
    s.dim = static_cast<int>(d);
    s.channels = static_cast<int>(c);
    s.total = n;
  } catch (...) {
    H5Fclose(file);
    throw;
  }
  H5Fclose(file);
  for (double v : s.points)
    if (!std::isfinite(v)) throw InputError(path + ": points contain NaN or infinite values");
  for (double v : s.values)
    if (!std::isfinite(v)) throw InputError(path + ": values contain NaN or infinite values");
  return s;
}

Samples read_csv_samples(Session const& session, std::string const& path, int dim, int channels) {
  CsvTable const t = read_csv(path, [&](std::int64_t total) { return session.share(total); });
  Samples s;
  std::int64_t const columns = t.columns;
  if (dim == 0 && channels == 0) channels = 1;
  if (dim == 0) dim = static_cast<int>(columns - channels);
  if (channels == 0) channels = static_cast<int>(columns - dim);
  if (dim < 1 || dim > 4 || channels < 1 || dim + channels != columns)
    throw InputError(path + ": " + std::to_string(columns) +
                     " columns do not split into D (1..4) coordinates and C >= 1 values (D = " +
                     std::to_string(dim) + ", C = " + std::to_string(channels) + ")");
  s.dim = dim;
  s.channels = channels;
  s.total = t.total_rows;
  std::int64_t const rows = static_cast<std::int64_t>(t.values.size()) / columns;
  for (std::int64_t i = 0; i < rows; ++i) {
    for (int k = 0; k < dim; ++k) s.points.push_back(t.values[i * columns + k]);
    for (int c = 0; c < channels; ++c) s.values.push_back(t.values[i * columns + dim + c]);
  }
  return s;
}

}  // namespace

Samples read_samples(Session const& session, std::string const& path, int dim, int channels) {
  Samples s;
  std::string error;
  try {
    if (is_hdf5_name(path)) {
      s = read_hdf5(session, path);
      if (dim != 0 && s.dim != dim)
        throw InputError(path + ": points have " + std::to_string(s.dim) +
                         " columns but --dim is " + std::to_string(dim));
      if (channels != 0 && s.channels != channels)
        throw InputError(path + ": values have " + std::to_string(s.channels) +
                         " columns but --channels is " + std::to_string(channels));
      if (s.dim < 1 || s.dim > 4) throw InputError(path + ": points must have 1..4 columns");
      if (s.channels < 1) throw InputError(path + ": values must have >= 1 column");
    } else {
      s = read_csv_samples(session, path, dim, channels);
    }
  } catch (InputError const& e) {
    error = e.what();
  }
  session.agree(error);
  s.source = path;
  return s;
}

double demo_truth(int dim, int channel, double const* x) {
  double f;
  if (dim == 1) {
    f = std::sin(2 * pi * x[0]);
  } else {
    double r2 = 0;
    for (int k = 0; k < dim; ++k) r2 += (x[k] - 0.5) * (x[k] - 0.5);
    f = std::exp(-2 * r2) + 0.3 * std::sin(2 * pi * x[0]);
  }
  return f * (1 + 0.5 * channel);
}

Samples demo_samples(Session const& session, int dim, int channels, std::int64_t n,
                     std::uint64_t seed) {
  Samples s;
  s.dim = dim;
  s.channels = channels;
  s.total = n;
  s.source = "demo";
  auto const [begin, end] = session.share(n);
  std::uint64_t const base = seed * 0x100000000ULL;
  for (std::int64_t i = begin; i < end; ++i) {
    std::uint64_t const key = base + static_cast<std::uint64_t>(i) * 16;
    double x[4];
    for (int k = 0; k < dim; ++k) x[k] = hash01(key + k), s.points.push_back(x[k]);
    for (int c = 0; c < channels; ++c) {
      // Box-Muller normal noise from two more hashes.
      double const u1 = hash01(key + 8 + 2 * c), u2 = hash01(key + 9 + 2 * c);
      double const noise = std::sqrt(-2 * std::log(u1)) * std::cos(2 * pi * u2);
      s.values.push_back(demo_truth(dim, c, x) + 0.05 * noise);
    }
  }
  return s;
}

}  // namespace splinegrid::cli
