#include "session.hpp"

#ifdef SPLINEGRID_CLI_WITH_MPI
#include <splinegrid/mpi.hpp>
#endif

namespace splinegrid::cli {

Session::Session(int& argc, char**& argv) {
#ifdef SPLINEGRID_CLI_WITH_MPI
  MPI_Init(&argc, &argv);
  m_mpi = true;
  m_comm = std::make_unique<MpiCommunicator>(MPI_COMM_WORLD, MpiReduction::deterministic);
#else
  (void)argc;
  (void)argv;
  m_comm = std::make_unique<Communicator>();
#endif
}

Session::~Session() {
#ifdef SPLINEGRID_CLI_WITH_MPI
  m_comm.reset();
  if (m_mpi) MPI_Finalize();
#endif
}

void Session::agree(std::string const& local_error) const {
  double failed = local_error.empty() ? 0.0 : 1.0;
  m_comm->sum(&failed, 1);
  if (!local_error.empty()) throw LocalInputError(local_error);
  if (failed > 0) throw SilentError();
}

std::pair<std::int64_t, std::int64_t> Session::share(std::int64_t total) const {
  std::int64_t const base = total / size(), extra = total % size();
  std::int64_t const begin = rank() * base + (rank() < extra ? rank() : extra);
  return {begin, begin + base + (rank() < extra ? 1 : 0)};
}

}  // namespace splinegrid::cli
