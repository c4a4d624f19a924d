#ifndef SPLINEGRID_CLI_SESSION_HPP
#define SPLINEGRID_CLI_SESSION_HPP

// The processes of one splinegrid run (MPI ranks when built with MPI) and collective
// error handling: when one rank finds bad input, every rank stops with status 2 and
// only the rank that found it prints.

#include "args.hpp"

#include <splinegrid/communicator.hpp>

#include <memory>
#include <string>

namespace splinegrid::cli {

/// Input error already reported by another rank: exit 2 quietly.
struct SilentError : std::runtime_error {
  SilentError() : std::runtime_error("") {}
};
/// Input error found by this rank only: this rank prints it.
struct LocalInputError : InputError {
  using InputError::InputError;
};

class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Communicator const& comm() const { return *m_comm; }
  int rank() const { return m_comm->rank(); }
  int size() const { return m_comm->size(); }
  bool root() const { return rank() == 0; }
  /// Collective: throws on every rank if `local_error` is non-empty on any rank.
  void agree(std::string const& local_error) const;
  /// This rank's share [begin, end) of `total` rows.
  std::pair<std::int64_t, std::int64_t> share(std::int64_t total) const;

 private:
  std::unique_ptr<Communicator> m_comm;
  bool m_mpi = false;
};

}  // namespace splinegrid::cli

#endif
