#include <splinegrid/config.hpp>
#include <splinegrid/version.hpp>

#include <Kokkos_Core.hpp>

#include <string>

#define SPLINEGRID_STRINGIFY_IMPL(...) #__VA_ARGS__
#define SPLINEGRID_STRINGIFY(...) SPLINEGRID_STRINGIFY_IMPL(__VA_ARGS__)

namespace splinegrid {

std::string version() { return SPLINEGRID_VERSION_STRING; }

std::string build_info() {
  int const kokkos = KOKKOS_VERSION;
  return "splinegrid " + version() + ", Kokkos " + std::to_string(kokkos / 10000) + "." +
         std::to_string(kokkos / 100 % 100) + "." + std::to_string(kokkos % 100) +
         ", execution spaces: " + SPLINEGRID_STRINGIFY(SPLINEGRID_EXECUTION_SPACES);
}

}  // namespace splinegrid
