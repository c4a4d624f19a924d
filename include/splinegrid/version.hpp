#ifndef SPLINEGRID_VERSION_HPP
#define SPLINEGRID_VERSION_HPP

/// @file
/// Version and build information of the compiled library.

#include <string>

namespace splinegrid {

/// Library version, "major.minor.patch".
std::string version();

/// One line describing the build: library version, Kokkos version and the enabled
/// execution spaces, e.g. for benchmark contexts and log files.
std::string build_info();

}  // namespace splinegrid

#endif
