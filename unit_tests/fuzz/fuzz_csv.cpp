// libFuzzer target: the CSV sample reader of the splinegrid tool. Any input must give
// a table or an InputError, never a crash, hang or sanitizer finding.

#include "../../src/cli/args.hpp"
#include "../../src/cli/csv.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  static std::string const path = "/tmp/splinegrid_fuzz_csv." + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    auto const table = splinegrid::cli::read_csv(path, [](std::int64_t total) {
      return std::make_pair(total / 3, total);  // a rank's share, as under MPI
    });
    if (table.values.size() % static_cast<std::size_t>(table.columns) != 0) __builtin_trap();
  } catch (splinegrid::cli::InputError const&) {
  }
  return 0;
}
