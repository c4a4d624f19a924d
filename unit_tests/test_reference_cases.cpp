// Every golden reference case in unit_tests/data on every enabled backend.

#include <cstdlib>
#include <string>

#include "check_case.hpp"
#include "reference_case.hpp"
#include "test_spaces.hpp"

namespace {

// The source tree's data folder, unless SPLINEGRID_TEST_DATA_DIR names another (a
// test binary carried to a GPU machine without the source tree: tools/gpu-run.sh).
std::string data_dir() {
  char const* dir = std::getenv("SPLINEGRID_TEST_DATA_DIR");
  return dir != nullptr && *dir != '\0' ? dir : SPLINEGRID_TEST_DATA_DIR;
}

template <class ExecutionSpace>
void check_all_reference_cases() {
  auto const files = splinegrid::reference::list_case_files(data_dir());
  ASSERT_GE(files.size(), 38u) << "reference cases missing from " << data_dir();
  int checked = 0;
  for (auto const& file : files) {
    auto const c = splinegrid::reference::read_reference_case(file);
    auto const r = splinegrid::reference::check_case<ExecutionSpace>(c);
    EXPECT_TRUE(r.passed) << c.name << ": " << r.detail;
    ++checked;
  }
  EXPECT_EQ(checked, 38);
}

template <class T>
class ReferenceCases : public ::testing::Test {};
TYPED_TEST_SUITE(ReferenceCases, splinegrid::test::ExecutionSpaces);

TYPED_TEST(ReferenceCases, EveryKindMatchesReference) { check_all_reference_cases<TypeParam>(); }

}  // namespace
