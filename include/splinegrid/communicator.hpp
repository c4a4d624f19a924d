#ifndef SPLINEGRID_COMMUNICATOR_HPP
#define SPLINEGRID_COMMUNICATOR_HPP

/// @file
/// Communicator: how the fitting code sums partial results over the processes that
/// share a fit (observations sharded, control points replicated). The core library
/// knows no MPI; SplineGrid::mpi provides MpiCommunicator (splinegrid/mpi.hpp).

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <string>

namespace splinegrid {

/// Sums over the processes of one fit. The default object is a single process.
///
/// The fitting functions call sum() on every process in the same order with the same
/// sizes (the collective contract of MPI_Allreduce).
class Communicator {
 public:
  virtual ~Communicator() = default;
  /// This process' rank, 0..size()-1.
  virtual int rank() const { return 0; }
  /// Number of processes.
  virtual int size() const { return 1; }
  /// Replaces data[0..n) on every process by its sum over all processes.
  virtual void sum(double* data, std::size_t n) const {
    (void)data;
    (void)n;
  }
  /// As sum(double*), for float.
  virtual void sum(float* data, std::size_t n) const {
    (void)data;
    (void)n;
  }
  /// Replaces value on every process by the maximum over all processes.
  virtual void max(double& value) const { (void)value; }
  /// Short description for logs, e.g. "serial" or "mpi (4 ranks, deterministic)".
  virtual std::string describe() const { return "serial"; }
};

/// The single-process communicator.
inline Communicator const& serial_communicator() {
  static Communicator const serial;
  return serial;
}

namespace Impl {

/// Sums a View over the processes of `comm` in place (through a host copy where the
/// View is not host-accessible, so MPI need not be GPU-aware). Fences `exec`.
template <class ExecutionSpace, class ViewType>
void sum_over_processes(ExecutionSpace const& exec, Communicator const& comm,
                        ViewType const& view) {
  if (comm.size() == 1) return;
  exec.fence();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, view);
  comm.sum(host.data(), host.span());
  Kokkos::deep_copy(view, host);
}

/// Sums a scalar over the processes of `comm`.
inline double sum_over_processes(Communicator const& comm, double value) {
  comm.sum(&value, 1);
  return value;
}

/// The mean of `value` over the processes: a scalar every process then agrees on
/// bitwise, even if the processes computed it with different thread counts.
inline double consistent(Communicator const& comm, double value) {
  if (comm.size() == 1) return value;
  comm.sum(&value, 1);
  return value / comm.size();
}

}  // namespace Impl

}  // namespace splinegrid

#endif
