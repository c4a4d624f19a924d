#include "plot.hpp"

#include "args.hpp"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace splinegrid::cli {

namespace {

struct Image {
  int width, height;
  std::vector<unsigned char> rgb;
  Image(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w * h * 3), 255) {}
  void set(int x, int y, unsigned char r, unsigned char g, unsigned char b) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    std::size_t const i = static_cast<std::size_t>((y * width + x) * 3);
    rgb[i] = r, rgb[i + 1] = g, rgb[i + 2] = b;
  }
  void square(int x, int y, int half, unsigned char r, unsigned char g, unsigned char b) {
    for (int dy = -half; dy <= half; ++dy)
      for (int dx = -half; dx <= half; ++dx) set(x + dx, y + dy, r, g, b);
  }
  void line(double x0, double y0, double x1, double y1, unsigned char r, unsigned char g,
            unsigned char b) {
    int const steps = 1 + static_cast<int>(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)) * 2);
    for (int s = 0; s <= steps; ++s) {
      double const t = double(s) / steps;
      int const x = static_cast<int>(std::lround(x0 + t * (x1 - x0)));
      int const y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
      square(x, y, 1, r, g, b);
    }
  }
};

void write_png(std::string const& path, Image const& image) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw InputError("--plot " + path + ": cannot create file");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::fclose(f);
    throw InputError("--plot " + path + ": cannot write PNG");
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y)
    png_write_row(png, const_cast<png_bytep>(image.rgb.data() + static_cast<std::size_t>(y * image.width * 3)));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fclose(f) != 0) throw InputError("--plot " + path + ": write error");
}

// A blue -> teal -> yellow colour ramp (viridis-like), t in [0, 1].
void colour(double t, unsigned char& r, unsigned char& g, unsigned char& b) {
  static double const stops[5][3] = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::min(1.0, std::max(0.0, t)) * 4;
  int const i = std::min(3, static_cast<int>(t));
  double const f = t - i;
  r = static_cast<unsigned char>(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]));
  g = static_cast<unsigned char>(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]));
  b = static_cast<unsigned char>(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]));
}

}  // namespace

void plot_curve(std::string const& path, double lo, double hi, std::vector<double> const& sample_x,
                std::vector<double> const& sample_y, std::vector<double> const& curve_x,
                std::vector<double> const& curve_y, std::vector<double> const& control_x,
                std::vector<double> const& control_y) {
  int const width = 900, height = 500, margin = 30;
  Image image(width, height);
  double ymin = INFINITY, ymax = -INFINITY;
  for (double y : sample_y) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  for (double y : curve_y) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
  if (!(ymax > ymin)) ymin -= 1, ymax += 1;
  auto px = [&](double x) { return margin + (x - lo) / (hi - lo) * (width - 2 * margin); };
  auto py = [&](double y) { return height - margin - (y - ymin) / (ymax - ymin) * (height - 2 * margin); };
  for (int x = margin; x <= width - margin; ++x) image.set(x, height - margin, 0, 0, 0), image.set(x, margin, 0, 0, 0);
  for (int y = margin; y <= height - margin; ++y) image.set(margin, y, 0, 0, 0), image.set(width - margin, y, 0, 0, 0);
  if (ymin < 0 && ymax > 0)
    for (int x = margin; x <= width - margin; x += 4) image.set(x, static_cast<int>(py(0)), 150, 150, 150);
  for (std::size_t i = 0; i < sample_x.size(); ++i)
    image.square(static_cast<int>(px(sample_x[i])), static_cast<int>(py(sample_y[i])), 1, 160, 160, 160);
  for (std::size_t i = 1; i < curve_x.size(); ++i)
    image.line(px(curve_x[i - 1]), py(curve_y[i - 1]), px(curve_x[i]), py(curve_y[i]), 31, 119, 180);
  for (std::size_t i = 0; i < control_x.size(); ++i)
    image.square(static_cast<int>(px(control_x[i])), static_cast<int>(py(std::min(ymax, std::max(ymin, control_y[i])))), 4, 214, 39, 40);
  write_png(path, image);
}

void plot_heat_map(std::string const& path, int rows, int cols, std::vector<double> const& field,
                   std::vector<double> const& lattice_x, std::vector<double> const& lattice_y) {
  Image image(cols, rows);
  double lo = INFINITY, hi = -INFINITY;
  for (double v : field) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(hi > lo)) hi = lo + 1;
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      unsigned char r, g, b;
      colour((field[static_cast<std::size_t>(y * cols + x)] - lo) / (hi - lo), r, g, b);
      image.set(x, y, r, g, b);
    }
  for (std::size_t i = 0; i < lattice_x.size(); ++i) {
    int const x = static_cast<int>(std::lround(lattice_x[i])), y = static_cast<int>(std::lround(lattice_y[i]));
    image.square(x, y, 3, 0, 0, 0);
    image.square(x, y, 2, 255, 255, 255);
  }
  write_png(path, image);
}

}  // namespace splinegrid::cli
