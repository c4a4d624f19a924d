#ifndef SPLINEGRID_BENCH_CONFIG_HPP
#define SPLINEGRID_BENCH_CONFIG_HPP

#include <cstdint>

namespace splinegrid::bench {

/// Set by --smoke: benchmarks use tiny sizes so the CTest smoke run is quick.
extern bool smoke;

/// Set by --points=N: points per benchmark (default 1e6). A GPU needs more than 1e6
/// points per launch to be measured at its throughput rather than its launch latency.
extern std::int64_t points;

/// Points per benchmark: `points`, or 1e3 in a smoke run.
inline std::int64_t num_points() { return smoke ? 1000 : points; }

}  // namespace splinegrid::bench

#endif
