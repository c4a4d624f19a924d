#ifndef SPLINEGRID_SPLINEGRID_HPP
#define SPLINEGRID_SPLINEGRID_HPP

/// @file
/// Umbrella header: everything a user of splinegrid needs.

#include <splinegrid/config.hpp>
#include <splinegrid/adjoint.hpp>
#include <splinegrid/basis.hpp>
#include <splinegrid/boundary.hpp>
#include <splinegrid/evaluate.hpp>
#include <splinegrid/evaluator.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/interpolate.hpp>
#include <splinegrid/version.hpp>

#endif
