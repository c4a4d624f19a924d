// Google Benchmark driver: initialises Kokkos, records the build and Kokkos
// configuration in the JSON context, and supports --smoke (tiny problem sizes, for
// the CTest smoke run).

#include "bench_config.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>
#include <benchmark/benchmark.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace splinegrid::bench {
bool smoke = false;
}

int main(int argc, char* argv[]) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) splinegrid::bench::smoke = true;
    else args.push_back(argv[i]);
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
  benchmark::AddCustomContext("kokkos_concurrency",
                              std::to_string(Kokkos::DefaultExecutionSpace::concurrency()));
  benchmark::AddCustomContext("kokkos_configuration", config.str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
