#ifndef SPLINEGRID_CLI_COMMANDS_HPP
#define SPLINEGRID_CLI_COMMANDS_HPP

// The subcommands of the splinegrid tool; each returns the exit status.

#include "args.hpp"
#include "session.hpp"

namespace splinegrid::cli {

int run_fit(Session const& session, Args const& args);
int run_eval(Session const& session, Args const& args);
int run_info(Session const& session, Args const& args);
int run_bench(Session const& session, Args const& args);

}  // namespace splinegrid::cli

#endif
