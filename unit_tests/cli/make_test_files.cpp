// Writes the HDF5 files the CLI tests need and no other tool here can make:
//   make_test_files samples OUT.h5 N D C       samples (points (N,D), values (N,C))
//   make_test_files mismatched OUT.h5           points 10 rows, values 9 rows
//   make_test_files version OUT.h5 GRID.h5 V    a copy of GRID.h5 with format_version V
//   make_test_files nan OUT.h5 GRID.h5          a copy with a NaN control point
//   make_test_files shape OUT.h5 GRID.h5        a copy whose control_points lost a channel

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

void write_matrix(hid_t file, char const* name, std::vector<double> const& data, hsize_t rows,
                  hsize_t cols) {
  hsize_t dims[2] = {rows, cols};
  hid_t space = H5Screate_simple(2, dims, nullptr);
  hid_t set = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data());
  H5Dclose(set);
  H5Sclose(space);
}

int copy_and(char const* out, char const* in, std::string const& what, int version) {
  std::string cmd = std::string("cp '") + in + "' '" + out + "'";
  if (std::system(cmd.c_str()) != 0) return 1;
  hid_t file = H5Fopen(out, H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return 1;
  if (what == "version") {
    hid_t attr = H5Aopen(file, "format_version", H5P_DEFAULT);
    H5Awrite(attr, H5T_NATIVE_INT, &version);
    H5Aclose(attr);
  } else if (what == "nan") {
    hid_t set = H5Dopen2(file, "control_points", H5P_DEFAULT);
    hid_t space = H5Dget_space(set);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    std::vector<double> v(static_cast<std::size_t>(n));
    H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    v[v.size() / 2] = std::nan("");
    H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Sclose(space);
    H5Dclose(set);
  } else if (what == "shape") {
    H5Ldelete(file, "control_points", H5P_DEFAULT);
    write_matrix(file, "control_points", std::vector<double>(6, 0.0), 3, 2);
  }
  H5Fclose(file);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::string const what = argv[1];
  if (what == "samples" && argc == 6) {
    long n = std::atol(argv[3]), d = std::atol(argv[4]), c = std::atol(argv[5]);
    std::vector<double> x(static_cast<std::size_t>(n * d)), y(static_cast<std::size_t>(n * c));
    for (long i = 0; i < n; ++i) {
      double s = 0;
      for (long k = 0; k < d; ++k) {
        x[i * d + k] = std::fmod(0.6180339887 * double(i * (k + 1) + k), 1.0);
        s += x[i * d + k];
      }
      for (long j = 0; j < c; ++j) y[i * c + j] = std::sin(3 * s) + j;
    }
    hid_t file = H5Fcreate(argv[2], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_matrix(file, "points", x, n, d);
    write_matrix(file, "values", y, n, c);
    H5Fclose(file);
    return 0;
  }
  if (what == "mismatched") {
    hid_t file = H5Fcreate(argv[2], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_matrix(file, "points", std::vector<double>(20, 0.5), 10, 2);
    write_matrix(file, "values", std::vector<double>(9, 1.0), 9, 1);
    H5Fclose(file);
    return 0;
  }
  if (what == "version" && argc == 5) return copy_and(argv[2], argv[3], what, std::atoi(argv[4]));
  if ((what == "nan" || what == "shape") && argc == 4) return copy_and(argv[2], argv[3], what, 0);
  std::fprintf(stderr, "make_test_files: bad arguments\n");
  return 2;
}
