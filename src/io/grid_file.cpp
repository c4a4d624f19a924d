// HDF5 grid files: writing (atomically) and validated reading. See grid_file.hpp.

#include <splinegrid/grid_file.hpp>
#include <splinegrid/version.hpp>

#include <hdf5.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace splinegrid {

namespace {

// Owns an HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : m_id(id), m_close(close) {}
  Handle(Handle const&) = delete;
  Handle& operator=(Handle const&) = delete;
  ~Handle() {
    if (m_id >= 0) m_close(m_id);
  }
  hid_t get() const { return m_id; }
  bool valid() const { return m_id >= 0; }

 private:
  hid_t m_id;
  herr_t (*m_close)(hid_t);
};

[[noreturn]] void fail(std::string const& path, std::string const& problem) {
  throw std::runtime_error(path + ": " + problem);
}

// HDF5 prints its error stack by default; the library reports errors itself.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string join(std::vector<std::string> const& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out;
}

std::vector<std::string> split(std::string const& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) out.push_back(part);
  return out;
}

// --- writing -------------------------------------------------------------------------

void write_string_attribute(std::string const& path, hid_t where, char const* name,
                            std::string const& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.empty() ? 1 : value.size());
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(where, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), type.get(), value.c_str()) < 0)
    fail(path, std::string("cannot write attribute ") + name);
}

template <class T>
void write_array_attribute(std::string const& path, hid_t where, char const* name, hid_t type,
                           std::vector<T> const& values) {
  hsize_t const n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(where, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), type, values.data()) < 0)
    fail(path, std::string("cannot write attribute ") + name);
}

template <class T>
void write_scalar_attribute(std::string const& path, hid_t where, char const* name, hid_t type,
                            T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(where, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), type, &value) < 0)
    fail(path, std::string("cannot write attribute ") + name);
}

void write_dataset(std::string const& path, hid_t where, char const* name,
                   std::vector<hsize_t> const& dims, double const* data) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  // No modification times: the same grid gives the same bytes.
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(dcpl.get(), 0);
  Handle set(H5Dcreate2(where, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(),
                        H5P_DEFAULT),
             H5Dclose);
  if (!set.valid() || H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail(path, std::string("cannot write dataset ") + name);
}

Handle create_group(std::string const& path, hid_t where, char const* name) {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_obj_track_times(gcpl.get(), 0);
  Handle group(H5Gcreate2(where, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
  if (!group.valid()) fail(path, std::string("cannot create group ") + name);
  return Handle(H5Gopen2(where, name, H5P_DEFAULT), H5Gclose);
}

void write_contents(std::string const& path, hid_t file, GridFileData const& d) {
  hid_t const root = file;
  write_string_attribute(path, root, "format", "splinegrid-grid");
  write_scalar_attribute(path, root, "format_version", H5T_NATIVE_INT, grid_file_format_version);
  write_string_attribute(path, root, "library_version", version());
  write_string_attribute(path, root, "basis", to_string(d.basis));
  write_scalar_attribute(path, root, "dimension", H5T_NATIVE_INT, d.dimension);
  write_scalar_attribute(path, root, "channels", H5T_NATIVE_INT, d.channels);
  std::vector<long long> res(d.resolution.begin(), d.resolution.end());
  write_array_attribute(path, root, "resolution", H5T_NATIVE_LLONG, res);
  write_array_attribute(path, root, "domain_lo", H5T_NATIVE_DOUBLE, d.domain_lo);
  write_array_attribute(path, root, "domain_hi", H5T_NATIVE_DOUBLE, d.domain_hi);
  std::vector<std::string> b, e;
  for (Boundary x : d.boundary) b.push_back(to_string(x));
  for (Extrapolation x : d.extrapolation) e.push_back(to_string(x));
  write_string_attribute(path, root, "boundary", join(b));
  write_string_attribute(path, root, "extrapolation", join(e));
  write_scalar_attribute(path, root, "fill_value", H5T_NATIVE_DOUBLE, d.fill_value);
  write_string_attribute(path, root, "scalar", d.scalar);
  std::vector<hsize_t> dims(d.resolution.begin(), d.resolution.end());
  dims.push_back(static_cast<hsize_t>(d.channels));
  write_dataset(path, root, "control_points", dims, d.control_points.data());
  if (!d.checkpoint) return;
  OptimizerState const& s = *d.checkpoint;
  Handle cp = create_group(path, root, "checkpoint");
  write_string_attribute(path, cp.get(), "method", s.method);
  write_scalar_attribute(path, cp.get(), "iteration", H5T_NATIVE_LLONG,
                         static_cast<long long>(s.iteration));
  write_string_attribute(path, cp.get(), "fingerprint", d.checkpoint_fingerprint);
  Handle vectors = create_group(path, cp.get(), "vectors");
  for (auto const& [name, values] : s.vectors)
    write_dataset(path, vectors.get(), name.c_str(), {static_cast<hsize_t>(values.size())},
                  values.data());
  Handle scalars = create_group(path, cp.get(), "scalars");
  for (auto const& [name, value] : s.scalars)
    write_scalar_attribute(path, scalars.get(), name.c_str(), H5T_NATIVE_DOUBLE, value);
}

// --- reading -------------------------------------------------------------------------

std::string read_string_attribute(std::string const& path, hid_t where, char const* name) {
  if (H5Aexists(where, name) <= 0) fail(path, std::string("missing attribute '") + name + "'");
  Handle attr(H5Aopen(where, name, H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING)
    fail(path, std::string("attribute '") + name + "' is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* value = nullptr;
    Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memtype.get(), H5T_VARIABLE);
    if (H5Aread(attr.get(), memtype.get(), &value) < 0 || !value)
      fail(path, std::string("cannot read attribute '") + name + "'");
    std::string out(value);
    H5free_memory(value);
    return out;
  }
  std::size_t const size = H5Tget_size(type.get());
  if (size == 0 || size > (1u << 20))
    fail(path, std::string("attribute '") + name + "' has an implausible string size");
  std::vector<char> buffer(size + 1, '\0');
  Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memtype.get(), size + 1);
  H5Tset_strpad(memtype.get(), H5T_STR_NULLTERM);
  if (H5Aread(attr.get(), memtype.get(), buffer.data()) < 0)
    fail(path, std::string("cannot read attribute '") + name + "'");
  return std::string(buffer.data());
}

template <class T>
std::vector<T> read_array_attribute(std::string const& path, hid_t where, char const* name,
                                    hid_t memtype) {
  if (H5Aexists(where, name) <= 0) fail(path, std::string("missing attribute '") + name + "'");
  Handle attr(H5Aopen(where, name, H5P_DEFAULT), H5Aclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  hssize_t const n = H5Sget_simple_extent_npoints(space.get());
  if (n < 1 || n > 64) fail(path, std::string("attribute '") + name + "' has a bad size");
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  H5T_class_t const cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(path, std::string("attribute '") + name + "' is not numeric");
  std::vector<T> values(static_cast<std::size_t>(n));
  if (H5Aread(attr.get(), memtype, values.data()) < 0)
    fail(path, std::string("cannot read attribute '") + name + "'");
  return values;
}

template <class T>
T read_scalar_attribute(std::string const& path, hid_t where, char const* name, hid_t memtype) {
  std::vector<T> const v = read_array_attribute<T>(path, where, name, memtype);
  if (v.size() != 1) fail(path, std::string("attribute '") + name + "' must be a scalar");
  return v[0];
}

// Reads a numeric dataset as float64; `remaining` is the file's value budget left
// (GridFileLimits::max_values), reduced by what this dataset holds.
std::vector<double> read_dataset(std::string const& path, hid_t where, char const* name,
                                 std::vector<hsize_t> const* expected_dims,
                                 std::int64_t& remaining) {
  if (H5Lexists(where, name, H5P_DEFAULT) <= 0)
    fail(path, std::string("missing dataset '") + name + "'");
  Handle set(H5Dopen2(where, name, H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail(path, std::string("cannot open dataset '") + name + "'");
  Handle space(H5Dget_space(set.get()), H5Sclose);
  int const rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 8) fail(path, std::string("dataset '") + name + "' has a bad rank");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (expected_dims && dims != *expected_dims) {
    std::string got, want;
    for (hsize_t x : dims) got += (got.empty() ? "" : ",") + std::to_string(x);
    for (hsize_t x : *expected_dims) want += (want.empty() ? "" : ",") + std::to_string(x);
    fail(path, std::string("dataset '") + name + "' has shape (" + got + "), expected (" + want + ")");
  }
  Handle type(H5Dget_type(set.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_FLOAT && H5Tget_class(type.get()) != H5T_INTEGER)
    fail(path, std::string("dataset '") + name + "' is not numeric");
  // Never trust sizes from the file with an allocation: uncompressed data must fit in
  // the file; everything must fit in what is left of the caller's limit.
  double count_d = 1;
  for (hsize_t x : dims) count_d *= static_cast<double>(x);
  if (count_d > static_cast<double>(remaining)) {
    char count_text[32];
    std::snprintf(count_text, sizeof count_text, "%.0f", count_d);
    fail(path, std::string("dataset '") + name + "' holds " + count_text +
                   " values, more than the reader's limit allows (GridFileLimits::max_values = " +
                   std::to_string(remaining) + " left)");
  }
  double budget = static_cast<double>(remaining);
  {
    Handle dcpl(H5Dget_create_plist(set.get()), H5Pclose);
    hid_t const file = H5Iget_file_id(where);
    hsize_t file_size = 0;
    if (file >= 0) {
      H5Fget_filesize(file, &file_size);
      H5Fclose(file);
    }
    if (dcpl.valid() && H5Pget_nfilters(dcpl.get()) == 0)
      budget = std::min(budget, double(file_size) / double(H5Tget_size(type.get())) + 1);
  }
  if (count_d > budget)
    fail(path, std::string("dataset '") + name + "' claims more values than the file holds");
  std::size_t const count = static_cast<std::size_t>(count_d);
  remaining -= static_cast<std::int64_t>(count);
  std::vector<double> values(count);
  if (count > 0 &&
      H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail(path, std::string("cannot read dataset '") + name + "' (truncated or corrupt file?)");
  return values;
}

// Names of the links in a group.
std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, char const* name, H5L_info_t const*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  return names;
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  H5Aiterate2(
      object, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, char const* name, H5A_info_t const*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  return names;
}

}  // namespace

void write_grid_file(std::string const& path, GridFileData const& d) {
  silence_hdf5();
  require(d.dimension >= 1 && d.dimension <= 4, "splinegrid::write_grid_file", "dimension must be 1..4");
  std::string const temporary = path + ".tmp." + std::to_string(::getpid());
  {
    Handle file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) fail(path, "cannot create " + temporary);
    try {
      write_contents(path, file.get(), d);
    } catch (...) {
      std::remove(temporary.c_str());
      throw;
    }
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) fail(path, "cannot flush " + temporary);
  }
  // Flush the data to disk before the rename makes it visible under `path`.
  if (FILE* f = std::fopen(temporary.c_str(), "rb")) {
    ::fsync(fileno(f));
    std::fclose(f);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    fail(path, "cannot rename " + temporary + " to " + path);
  }
}

GridFileData read_grid_file(std::string const& path, GridFileLimits const& limits) {
  silence_hdf5();
  if (limits.max_values < 1)
    throw std::invalid_argument("splinegrid::read_grid_file: GridFileLimits::max_values must be >= 1");
  std::int64_t remaining = limits.max_values;
  if (FILE* f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else
    fail(path, "cannot open file");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail(path, "not an HDF5 file (or truncated/corrupt)");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) fail(path, "cannot open as HDF5 (truncated or corrupt file?)");
  hid_t const root = file.get();
  GridFileData d;
  if (read_string_attribute(path, root, "format") != "splinegrid-grid")
    fail(path, "not a splinegrid grid file (attribute 'format' is not \"splinegrid-grid\")");
  d.format_version = read_scalar_attribute<int>(path, root, "format_version", H5T_NATIVE_INT);
  if (d.format_version != grid_file_format_version)
    fail(path, "unsupported format_version " + std::to_string(d.format_version) +
                   " (this library reads version " + std::to_string(grid_file_format_version) + ")");
  d.library_version = read_string_attribute(path, root, "library_version");
  try {
    d.basis = basis_from_string(read_string_attribute(path, root, "basis"));
  } catch (std::invalid_argument const& e) {
    fail(path, e.what());
  }
  d.dimension = read_scalar_attribute<int>(path, root, "dimension", H5T_NATIVE_INT);
  if (d.dimension < 1 || d.dimension > 4)
    fail(path, "dimension " + std::to_string(d.dimension) + " is not 1..4");
  d.channels = read_scalar_attribute<int>(path, root, "channels", H5T_NATIVE_INT);
  if (d.channels < 1) fail(path, "channels " + std::to_string(d.channels) + " must be >= 1");
  auto const res = read_array_attribute<long long>(path, root, "resolution", H5T_NATIVE_LLONG);
  d.domain_lo = read_array_attribute<double>(path, root, "domain_lo", H5T_NATIVE_DOUBLE);
  d.domain_hi = read_array_attribute<double>(path, root, "domain_hi", H5T_NATIVE_DOUBLE);
  std::size_t const D = static_cast<std::size_t>(d.dimension);
  if (res.size() != D || d.domain_lo.size() != D || d.domain_hi.size() != D)
    fail(path, "resolution/domain attributes must have " + std::to_string(D) + " entries");
  double rows = 1;
  for (std::size_t k = 0; k < D; ++k) {
    if (res[k] < 1) fail(path, "resolution[" + std::to_string(k) + "] must be >= 1");
    if (!std::isfinite(d.domain_lo[k]) || !std::isfinite(d.domain_hi[k]) ||
        !(d.domain_lo[k] < d.domain_hi[k]))
      fail(path, "domain of axis " + std::to_string(k) + " must be finite with lo < hi");
    d.resolution.push_back(res[k]);
    rows *= double(res[k]);
  }
  if (rows * d.channels > 1e11) fail(path, "grid too large (more than 1e11 values)");
  auto const boundaries = split(read_string_attribute(path, root, "boundary"));
  auto const extrapolations = split(read_string_attribute(path, root, "extrapolation"));
  if (boundaries.size() != D || extrapolations.size() != D)
    fail(path, "boundary/extrapolation attributes must name " + std::to_string(D) + " axes");
  try {
    for (std::size_t k = 0; k < D; ++k) {
      d.boundary.push_back(boundary_from_string(boundaries[k]));
      d.extrapolation.push_back(extrapolation_from_string(extrapolations[k]));
    }
  } catch (std::invalid_argument const& e) {
    fail(path, e.what());
  }
  d.fill_value = read_scalar_attribute<double>(path, root, "fill_value", H5T_NATIVE_DOUBLE);
  d.scalar = read_string_attribute(path, root, "scalar");
  if (d.scalar != "float32" && d.scalar != "float64") fail(path, "scalar must be float32 or float64");
  std::vector<hsize_t> dims(d.resolution.begin(), d.resolution.end());
  dims.push_back(static_cast<hsize_t>(d.channels));
  d.control_points = read_dataset(path, root, "control_points", &dims, remaining);
  for (double v : d.control_points)
    if (!std::isfinite(v)) fail(path, "control_points contain NaN or infinite values");

  if (H5Lexists(root, "checkpoint", H5P_DEFAULT) > 0) {
    Handle cp(H5Gopen2(root, "checkpoint", H5P_DEFAULT), H5Gclose);
    if (!cp.valid()) fail(path, "cannot open group 'checkpoint'");
    OptimizerState s;
    s.method = read_string_attribute(path, cp.get(), "method");
    s.iteration = read_scalar_attribute<long long>(path, cp.get(), "iteration", H5T_NATIVE_LLONG);
    d.checkpoint_fingerprint = read_string_attribute(path, cp.get(), "fingerprint");
    if (H5Lexists(cp.get(), "vectors", H5P_DEFAULT) <= 0 ||
        H5Lexists(cp.get(), "scalars", H5P_DEFAULT) <= 0)
      fail(path, "checkpoint lacks its vectors or scalars group");
    Handle vectors(H5Gopen2(cp.get(), "vectors", H5P_DEFAULT), H5Gclose);
    for (std::string const& name : link_names(vectors.get()))
      s.vectors[name] = read_dataset(path, vectors.get(), name.c_str(), nullptr, remaining);
    Handle scalars(H5Gopen2(cp.get(), "scalars", H5P_DEFAULT), H5Gclose);
    for (std::string const& name : attribute_names(scalars.get()))
      s.scalars[name] = read_scalar_attribute<double>(path, scalars.get(), name.c_str(), H5T_NATIVE_DOUBLE);
    d.checkpoint = s;
  }
  return d;
}

}  // namespace splinegrid
