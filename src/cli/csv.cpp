#include "csv.hpp"

#include "args.hpp"

#include <fstream>
#include <tuple>

namespace splinegrid::cli {

namespace {

std::vector<std::string> fields_of(std::string const& line) {
  std::vector<std::string> fields;
  std::string field;
  for (char ch : line) {
    if (ch == ',') {
      fields.push_back(field);
      field.clear();
    } else if (ch != ' ' && ch != '\t' && ch != '\r') {
      field += ch;
    }
  }
  fields.push_back(field);
  return fields;
}

bool skipped(std::string const& line) {
  std::size_t const p = line.find_first_not_of(" \t\r");
  return p == std::string::npos || line[p] == '#';
}

}  // namespace

CsvTable read_csv(std::string const& path,
                  std::function<std::pair<std::int64_t, std::int64_t>(std::int64_t)> const& share) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open file");
  CsvTable table;
  // Pass 1: header, column count, row count.
  std::string line;
  std::int64_t line_number = 0;
  bool first = true;
  while (std::getline(in, line)) {
    ++line_number;
    if (skipped(line)) continue;
    std::vector<std::string> const fields = fields_of(line);
    if (first) {
      first = false;
      bool numeric = true;
      double v;
      for (auto const& f : fields) numeric = numeric && parse_double(f, v);
      table.columns = static_cast<std::int64_t>(fields.size());
      if (!numeric) {
        for (auto const& f : fields)
          if (f.empty()) throw InputError(path + ":" + std::to_string(line_number) + ": empty header field");
        table.header = fields;
        continue;
      }
    }
    if (static_cast<std::int64_t>(fields.size()) != table.columns)
      throw InputError(path + ":" + std::to_string(line_number) + ": expected " +
                       std::to_string(table.columns) + " columns, got " +
                       std::to_string(fields.size()));
    ++table.total_rows;
  }
  if (in.bad()) throw InputError(path + ": read error");
  if (table.total_rows == 0) throw InputError(path + ": no data rows");
  std::int64_t begin = 0, end = table.total_rows;
  if (share) std::tie(begin, end) = share(table.total_rows);
  table.first_row = begin;
  table.values.reserve(static_cast<std::size_t>((end - begin) * table.columns));
  // Pass 2: parse the kept rows.
  in.clear();
  in.seekg(0);
  line_number = 0;
  std::int64_t row = -1;
  bool header_pending = !table.header.empty();
  while (std::getline(in, line)) {
    ++line_number;
    if (skipped(line)) continue;
    if (header_pending) {
      header_pending = false;
      continue;
    }
    ++row;
    if (row < begin) continue;
    if (row >= end) break;
    std::vector<std::string> const fields = fields_of(line);
    for (std::size_t j = 0; j < fields.size(); ++j) {
      double v;
      if (!parse_double(fields[j], v))
        throw InputError(path + ":" + std::to_string(line_number) + ": column " +
                         std::to_string(j + 1) + ": '" + fields[j] + "' is not a finite number");
      table.values.push_back(v);
    }
  }
  return table;
}

}  // namespace splinegrid::cli
