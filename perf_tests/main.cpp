// Google Benchmark driver: initialises Kokkos, records the build and Kokkos
// configuration in the JSON context, and supports --smoke (tiny problem sizes, for
// the CTest smoke run) and --points=N (points per benchmark, default 1e6).

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace splinegrid::bench {
bool smoke = false;
std::int64_t points = 1000000;
}

int main(int argc, char* argv[]) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      splinegrid::bench::smoke = true;
    } else if (std::strncmp(argv[i], "--points=", 9) == 0) {
      char* end = nullptr;
      long long const n = std::strtoll(argv[i] + 9, &end, 10);
      if (end == argv[i] + 9 || *end != '\0' || n < 1) {
        std::fprintf(stderr, "splinegrid_perf_tests: --points needs a positive integer, got '%s'\n",
                     argv[i] + 9);
        return 2;
      }
      splinegrid::bench::points = n;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  Kokkos::ScopeGuard guard(n, args.data());
  benchmark::Initialize(&n, args.data());
  std::ostringstream config;
  Kokkos::print_configuration(config, false);
  benchmark::AddCustomContext("splinegrid", splinegrid::build_info());
  benchmark::AddCustomContext("git_hash", SPLINEGRID_GIT_HASH);
  benchmark::AddCustomContext("kokkos_execution_space",
                              Kokkos::DefaultExecutionSpace::name());
  benchmark::AddCustomContext("points", std::to_string(splinegrid::bench::num_points()));
  benchmark::AddCustomContext("kokkos_concurrency",
                              std::to_string(Kokkos::DefaultExecutionSpace::concurrency()));
  benchmark::AddCustomContext("kokkos_configuration", config.str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
