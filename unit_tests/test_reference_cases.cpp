// Every golden reference case in unit_tests/data on every enabled backend.

#include "check_case.hpp"
#include "reference_case.hpp"
#include "test_spaces.hpp"

namespace {

template <class ExecutionSpace>
void check_all_reference_cases() {
  auto const files = splinegrid::reference::list_case_files(SPLINEGRID_TEST_DATA_DIR);
  ASSERT_GE(files.size(), 38u) << "reference cases missing from " << SPLINEGRID_TEST_DATA_DIR;
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
