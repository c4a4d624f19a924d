// GoogleTest main for the MPI tests: MPI and Kokkos around the run; the exit status
// is non-zero on every rank if any rank failed.

#include <Kokkos_Core.hpp>
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char* argv[]) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int failed = 0;
  {
    Kokkos::ScopeGuard guard(argc, argv);
    failed = RUN_ALL_TESTS() != 0;
  }
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any;
}
