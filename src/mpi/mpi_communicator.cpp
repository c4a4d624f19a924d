// MpiCommunicator: sums over MPI ranks for data-parallel fitting.

#include <splinegrid/mpi.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace splinegrid {

namespace {

void check(int code, char const* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("splinegrid::MpiCommunicator: ") + call + " failed: " +
                           std::string(text, static_cast<std::size_t>(length)));
}

}  // namespace

MpiCommunicator::MpiCommunicator(MPI_Comm comm, MpiReduction reduction)
    : m_comm(comm), m_reduction(reduction) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized)
    throw std::invalid_argument("splinegrid::MpiCommunicator: MPI is not initialized");
  check(MPI_Comm_rank(comm, &m_rank), "MPI_Comm_rank");
  check(MPI_Comm_size(comm, &m_size), "MPI_Comm_size");
}

void MpiCommunicator::share(long long total, int rank, int size, long long& begin,
                            long long& end) {
  long long const base = total / size, extra = total % size;
  begin = rank * base + (rank < extra ? rank : extra);
  end = begin + base + (rank < extra ? 1 : 0);
}

template <class T>
void MpiCommunicator::ordered_sum(T* data, std::size_t n, MPI_Datatype type) const {
  // Chunk j of the vector is summed by rank j: every rank sends chunk j to rank j,
  // which adds the size contributions in rank order, then all chunks are gathered.
  std::vector<int> counts(static_cast<std::size_t>(m_size)), offsets(counts.size());
  for (int j = 0; j < m_size; ++j) {
    long long b, e;
    share(static_cast<long long>(n), j, m_size, b, e);
    if (e - b > 0x7fffffffLL)
      throw std::invalid_argument("splinegrid::MpiCommunicator: vector too long for one MPI call");
    counts[j] = static_cast<int>(e - b);
    offsets[j] = static_cast<int>(b);
  }
  int const mine = counts[m_rank];
  std::vector<T> received(static_cast<std::size_t>(mine) * m_size);
  std::vector<int> recv_counts(counts.size(), mine), recv_offsets(counts.size());
  for (int j = 0; j < m_size; ++j) recv_offsets[j] = j * mine;
  check(MPI_Alltoallv(data, counts.data(), offsets.data(), type, received.data(),
                      recv_counts.data(), recv_offsets.data(), type, m_comm),
        "MPI_Alltoallv");
  std::vector<T> chunk(static_cast<std::size_t>(mine));
  for (int i = 0; i < mine; ++i) {
    T s = received[i];
    for (int j = 1; j < m_size; ++j) s += received[static_cast<std::size_t>(j) * mine + i];
    chunk[i] = s;
  }
  check(MPI_Allgatherv(chunk.data(), mine, type, data, counts.data(), offsets.data(), type,
                       m_comm),
        "MPI_Allgatherv");
}

void MpiCommunicator::sum(double* data, std::size_t n) const {
  if (m_size == 1 || n == 0) return;
  if (m_reduction == MpiReduction::deterministic) return ordered_sum(data, n, MPI_DOUBLE);
  check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_DOUBLE, MPI_SUM, m_comm),
        "MPI_Allreduce");
}

void MpiCommunicator::sum(float* data, std::size_t n) const {
  if (m_size == 1 || n == 0) return;
  if (m_reduction == MpiReduction::deterministic) return ordered_sum(data, n, MPI_FLOAT);
  check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_FLOAT, MPI_SUM, m_comm),
        "MPI_Allreduce");
}

void MpiCommunicator::max(double& value) const {
  if (m_size == 1) return;
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, m_comm), "MPI_Allreduce");
}

std::string MpiCommunicator::describe() const {
  return "mpi (" + std::to_string(m_size) + " ranks, " +
         (m_reduction == MpiReduction::deterministic ? "deterministic" : "allreduce") + ")";
}

}  // namespace splinegrid
