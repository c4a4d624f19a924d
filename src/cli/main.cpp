// splinegrid: the command-line tool. Subcommands fit, eval, info, bench.
// Exit status: 0 success, 2 bad usage or bad input (one line on stderr), 1 other failure.

#include "commands.hpp"

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

namespace {

char const* const usage =
    "usage: splinegrid <command> [options]\n"
    "  fit   [--input FILE] [--dim D] [--channels C] --resolution n0,n1,... [--basis bspline|catmull_rom]\n"
    "        [--domain lo0:hi0,...] [--method lsq|adam|lbfgs] [--lambda L] [--iterations K] [--tolerance T]\n"
    "        --output GRID.h5 [--checkpoint FILE --checkpoint-every K] [--resume FILE] [--plot FILE.png]\n"
    "        [--seed S] [--learning-rate R] [--batch-size B] [--points N]\n"
    "  eval  --grid GRID.h5 --points FILE [--output FILE.csv] [--derivatives]\n"
    "  info  GRID.h5\n"
    "  bench --dim D --channels C --resolution N --points P [--op forward|adjoint|derivatives]\n"
    "        [--scalar float|double] [--repeat R]\n";

}  // namespace

int main(int argc, char* argv[]) {
  using namespace splinegrid::cli;
  Session session(argc, argv);
  int status = 0;
  std::string const command = argc > 1 ? argv[1] : "";
  if (command == "-h" || command == "--help" || command == "help") {
    if (session.root()) std::fputs(usage, stdout);
    return 0;
  }
  Kokkos::ScopeGuard guard(argc, argv);
  try {
    if (command == "fit") {
      Args const args(argc, argv, 2,
                      {"--input", "--dim", "--channels", "--resolution", "--basis", "--domain",
                       "--method", "--lambda", "--iterations", "--tolerance", "--output",
                       "--checkpoint", "--checkpoint-every", "--resume", "--plot", "--seed",
                       "--learning-rate", "--batch-size", "--points"},
                      {});
      status = run_fit(session, args);
    } else if (command == "eval") {
      status = run_eval(session, Args(argc, argv, 2, {"--grid", "--points", "--output"}, {"--derivatives"}));
    } else if (command == "info") {
      status = run_info(session, Args(argc, argv, 2, {}, {}));
    } else if (command == "bench") {
      status = run_bench(session, Args(argc, argv, 2,
                                       {"--dim", "--channels", "--resolution", "--points", "--op",
                                        "--scalar", "--repeat"},
                                       {}));
    } else {
      throw InputError(command.empty() ? "missing command (fit, eval, info or bench)"
                                       : "unknown command '" + command + "'");
    }
  } catch (SilentError const&) {
    status = 2;
  } catch (LocalInputError const& e) {
    std::fprintf(stderr, "splinegrid %s: error: %s\n", command.c_str(), e.what());
    status = 2;
  } catch (InputError const& e) {
    if (session.root()) std::fprintf(stderr, "splinegrid %s: error: %s\n", command.c_str(), e.what());
    status = 2;
  } catch (std::invalid_argument const& e) {  // the library's argument checks
    if (session.root()) std::fprintf(stderr, "splinegrid %s: error: %s\n", command.c_str(), e.what());
    status = 2;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "splinegrid %s: failed: %s\n", command.c_str(), e.what());
    status = 1;
  }
  return status;
}
