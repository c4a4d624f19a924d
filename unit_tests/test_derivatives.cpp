#include "test_spaces.hpp"
