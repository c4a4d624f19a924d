#ifndef SPLINEGRID_ERROR_HPP
#define SPLINEGRID_ERROR_HPP

/// @file
/// Argument checking for the public API: every failed check throws
/// std::invalid_argument whose message starts with the public function's name.

#include <stdexcept>
#include <string>

namespace splinegrid {

/// Throws std::invalid_argument("<function>: <problem>") when `condition` is false.
/// Used on the host only, before any kernel is launched.
inline void require(bool condition, char const* function, std::string const& problem) {
  if (!condition) throw std::invalid_argument(std::string(function) + ": " + problem);
}

}  // namespace splinegrid

#endif
