#ifndef SPLINEGRID_CLI_ARGS_HPP
#define SPLINEGRID_CLI_ARGS_HPP

// Command-line options of the splinegrid tool: `--name value`, `--name=value` and
// flags; typed getters whose errors name the option. Unknown options are errors.

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace splinegrid::cli {

/// Bad command-line use or bad input data: one line on stderr, exit status 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  /// Parses argv[first..argc) against the accepted option names (with "--") and flag
  /// names; positional arguments are kept in order.
  Args(int argc, char** argv, int first, std::set<std::string> const& options,
       std::set<std::string> const& flags);

  bool has(std::string const& name) const { return m_values.count(name) != 0; }
  bool flag(std::string const& name) const { return m_flags.count(name) != 0; }
  std::vector<std::string> const& positional() const { return m_positional; }

  std::string text(std::string const& name, std::string const& fallback = "") const;
  std::string required(std::string const& name) const;
  std::int64_t integer(std::string const& name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const;
  double real(std::string const& name, double fallback) const;
  /// Comma-separated integers, e.g. --resolution 8,8,4.
  std::vector<std::int64_t> integer_list(std::string const& name, std::int64_t min) const;
  /// Comma-separated lo:hi pairs, e.g. --domain 0:1,-2:2.
  std::vector<std::pair<double, double>> range_list(std::string const& name) const;

 private:
  std::map<std::string, std::string> m_values;
  std::set<std::string> m_flags;
  std::vector<std::string> m_positional;
};

/// Parses a whole string as a finite double or integer; false if it is not one.
bool parse_double(std::string const& s, double& out);
bool parse_integer(std::string const& s, std::int64_t& out);

}  // namespace splinegrid::cli

#endif
