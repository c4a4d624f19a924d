// libFuzzer target: the HDF5 grid-file reader. Any input must give a validated grid
// or a std::runtime_error naming the problem, never a crash in splinegrid's code.

#include <splinegrid/grid_file.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  static std::string const path = "/tmp/splinegrid_fuzz_grid." + std::to_string(::getpid()) + ".h5";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    // Untrusted input: a small value limit, as README advises (a tiny compressed
    // file may legitimately decode to the default 2^28 values).
    splinegrid::GridFileData const d =
        splinegrid::read_grid_file(path, splinegrid::GridFileLimits{std::int64_t(1) << 20});
    // What loading promises: consistent shapes and finite control points.
    std::size_t rows = 1;
    for (auto n : d.resolution) rows *= static_cast<std::size_t>(n);
    if (d.control_points.size() != rows * static_cast<std::size_t>(d.channels)) __builtin_trap();
    for (double v : d.control_points)
      if (!std::isfinite(v)) __builtin_trap();
  } catch (std::runtime_error const&) {
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
