#ifndef SPLINEGRID_BENCH_CONFIG_HPP
#define SPLINEGRID_BENCH_CONFIG_HPP

#include <cstdint>

namespace splinegrid::bench {

/// Set by --smoke: benchmarks use tiny sizes so the CTest smoke run is quick.
extern bool smoke;

/// Points per benchmark: 1e6, or 1e3 in a smoke run.
inline std::int64_t num_points() { return smoke ? 1000 : 1000000; }

}  // namespace splinegrid::bench

#endif
