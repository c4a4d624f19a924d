#ifndef SPLINEGRID_CHECK_CASE_HPP
#define SPLINEGRID_CHECK_CASE_HPP

// Runs one reference case on one execution space and compares every key the case's
// kind defines with the library's result. Compiled once, in check_case.cpp, for every
// enabled execution space (the kernels of all 38 kinds are the slowest code of the
// project to compile; the runner and the unit tests share that object).

#include "reference_case.hpp"

#include <string>

namespace splinegrid::reference {

struct CaseResult {
  bool passed = false;
  std::string detail;  // per-key maximum relative errors, or why it failed
};

/// Runs case `c` on ExecutionSpace in the case's dtype and compares coefficients,
/// values, derivatives, grad_data and grad_points (both adjoint strategies) at the
/// case's tolerance. Defined for the spaces of SPLINEGRID_EXECUTION_SPACES.
template <class ExecutionSpace>
CaseResult check_case(ReferenceCase const& c);

}  // namespace splinegrid::reference

#endif
