#include "args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace splinegrid::cli {

bool parse_double(std::string const& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size() && std::isfinite(out);
}

bool parse_integer(std::string const& s, std::int64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long const v = std::strtoll(s.c_str(), &end, 10);
  out = v;
  return errno == 0 && end == s.c_str() + s.size();
}

Args::Args(int argc, char** argv, int first, std::set<std::string> const& options,
           std::set<std::string> const& flags) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      m_positional.push_back(arg);
      continue;
    }
    std::string value;
    bool inline_value = false;
    std::size_t const eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    if (flags.count(arg)) {
      if (inline_value) throw InputError("option " + arg + " takes no value");
      m_flags.insert(arg);
      continue;
    }
    if (!options.count(arg)) throw InputError("unknown option " + arg);
    if (!inline_value) {
      if (i + 1 >= argc) throw InputError("option " + arg + " needs a value");
      value = argv[++i];
    }
    if (m_values.count(arg)) throw InputError("option " + arg + " given twice");
    m_values[arg] = value;
  }
}

std::string Args::text(std::string const& name, std::string const& fallback) const {
  auto it = m_values.find(name);
  return it == m_values.end() ? fallback : it->second;
}

std::string Args::required(std::string const& name) const {
  auto it = m_values.find(name);
  if (it == m_values.end()) throw InputError("option " + name + " is required");
  return it->second;
}

std::int64_t Args::integer(std::string const& name, std::int64_t fallback, std::int64_t min,
                           std::int64_t max) const {
  if (!has(name)) return fallback;
  std::int64_t v;
  if (!parse_integer(text(name), v))
    throw InputError("option " + name + ": '" + text(name) + "' is not an integer");
  if (v < min || v > max)
    throw InputError("option " + name + ": " + std::to_string(v) + " is not in " +
                     std::to_string(min) + ".." + std::to_string(max));
  return v;
}

double Args::real(std::string const& name, double fallback) const {
  if (!has(name)) return fallback;
  double v;
  if (!parse_double(text(name), v))
    throw InputError("option " + name + ": '" + text(name) + "' is not a finite number");
  return v;
}

std::vector<std::int64_t> Args::integer_list(std::string const& name, std::int64_t min) const {
  std::vector<std::int64_t> out;
  std::stringstream in(required(name));
  std::string part;
  while (std::getline(in, part, ',')) {
    std::int64_t v;
    if (!parse_integer(part, v))
      throw InputError("option " + name + ": '" + part + "' is not an integer");
    if (v < min)
      throw InputError("option " + name + ": " + std::to_string(v) + " must be >= " +
                       std::to_string(min));
    out.push_back(v);
  }
  if (out.empty()) throw InputError("option " + name + " is empty");
  return out;
}

std::vector<std::pair<double, double>> Args::range_list(std::string const& name) const {
  std::vector<std::pair<double, double>> out;
  std::stringstream in(required(name));
  std::string part;
  while (std::getline(in, part, ',')) {
    std::size_t const colon = part.find(':');
    double lo, hi;
    if (colon == std::string::npos || !parse_double(part.substr(0, colon), lo) ||
        !parse_double(part.substr(colon + 1), hi))
      throw InputError("option " + name + ": '" + part + "' is not lo:hi");
    if (!(lo < hi)) throw InputError("option " + name + ": '" + part + "' needs lo < hi");
    out.emplace_back(lo, hi);
  }
  if (out.empty()) throw InputError("option " + name + " is empty");
  return out;
}

}  // namespace splinegrid::cli
