#ifndef SPLINEGRID_SPLINEGRID_HPP
#define SPLINEGRID_SPLINEGRID_HPP

/// @file
/// Umbrella header: everything a user of splinegrid needs.

#include <splinegrid/config.hpp>
#include <splinegrid/adam.hpp>
#include <splinegrid/adjoint.hpp>
#include <splinegrid/basis.hpp>
#include <splinegrid/boundary.hpp>
#include <splinegrid/communicator.hpp>
#include <splinegrid/evaluate.hpp>
#include <splinegrid/evaluator.hpp>
#include <splinegrid/fit_report.hpp>
#include <splinegrid/grid.hpp>
#include <splinegrid/interpolate.hpp>
#include <splinegrid/lbfgs.hpp>
#include <splinegrid/least_squares.hpp>
#include <splinegrid/loss.hpp>
#include <splinegrid/objective.hpp>
#include <splinegrid/observations.hpp>
#include <splinegrid/point_order.hpp>
#include <splinegrid/penalty.hpp>
#include <splinegrid/refine.hpp>
#include <splinegrid/version.hpp>

#endif
