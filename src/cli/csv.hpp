#ifndef SPLINEGRID_CLI_CSV_HPP
#define SPLINEGRID_CLI_CSV_HPP

// CSV sample files: one sample per row, comma-separated numbers, lines starting
// with '#' and blank lines ignored, an optional header row of names (the first
// non-comment row, if any of its fields is not a number).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace splinegrid::cli {

struct CsvTable {
  std::int64_t columns = 0;
  std::int64_t total_rows = 0;  ///< data rows in the whole file
  std::int64_t first_row = 0;   ///< index of the first row kept
  std::vector<double> values;   ///< kept rows x columns, row-major
  std::vector<std::string> header;
};

/// Reads `path`, keeping the data rows [begin, end) that `share(total_rows)`
/// returns (all rows by default). Throws InputError "FILE:LINE: problem".
CsvTable read_csv(std::string const& path,
                  std::function<std::pair<std::int64_t, std::int64_t>(std::int64_t)> const& share = {});

}  // namespace splinegrid::cli

#endif
