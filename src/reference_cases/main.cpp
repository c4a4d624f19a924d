// splinegrid_reference_cases DIR...
// Runs every reference case (*.txt) in the given directories on every enabled
// execution space, prints one line per case and backend, then "N passed, M failed".
// Exit status 0 only if M == 0 and N > 0.

#include "check_case.hpp"
#include "reference_case.hpp"

#include <splinegrid/splinegrid.hpp>

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

struct Tally {
  int passed = 0;
  int failed = 0;
};

template <class ExecutionSpace>
void run_on(splinegrid::reference::ReferenceCase const& c, Tally& tally) {
  auto const r = splinegrid::reference::check_case<ExecutionSpace>(c);
  std::printf("%s %-44s [%s] %s\n", r.passed ? "PASS" : "FAIL", c.name.c_str(),
              ExecutionSpace::name(), r.detail.c_str());
  (r.passed ? tally.passed : tally.failed) += 1;
}

template <class... Spaces>
void run_all(splinegrid::reference::ReferenceCase const& c, Tally& tally) {
  (run_on<Spaces>(c, tally), ...);
}

}  // namespace

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard guard(argc, argv);
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    std::string const arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::printf("usage: splinegrid_reference_cases DIR...\n"
                  "Runs every *.txt reference case in DIR on every enabled backend.\n");
      return 0;
    }
    if (arg.rfind("--kokkos", 0) == 0) continue;
    dirs.push_back(arg);
  }
  if (dirs.empty()) {
    std::fprintf(stderr, "splinegrid_reference_cases: no directory given (usage: %s DIR...)\n",
                 argv[0]);
    return 2;
  }
  Tally tally;
  for (auto const& dir : dirs) {
    std::vector<std::string> files;
    try {
      files = splinegrid::reference::list_case_files(dir);
    } catch (std::exception const& e) {
      std::printf("FAIL %s: cannot list directory: %s\n", dir.c_str(), e.what());
      tally.failed += 1;
      continue;
    }
    for (auto const& file : files) {
      try {
        auto const c = splinegrid::reference::read_reference_case(file);
        run_all<SPLINEGRID_EXECUTION_SPACES>(c, tally);
      } catch (std::exception const& e) {
        std::printf("FAIL %s: %s\n", file.c_str(), e.what());
        tally.failed += 1;
      }
    }
  }
  std::printf("%d passed, %d failed\n", tally.passed, tally.failed);
  return (tally.failed == 0 && tally.passed > 0) ? 0 : 1;
}
