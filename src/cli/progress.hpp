#ifndef SPLINEGRID_CLI_PROGRESS_HPP
#define SPLINEGRID_CLI_PROGRESS_HPP

// Fit progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.

#include <chrono>
#include <cstdint>
#include <string>

namespace splinegrid::cli {

class Progress {
 public:
  /// enabled: this rank reports; total: the iteration limit; start: resumed-from iteration.
  Progress(bool enabled, std::int64_t total, std::int64_t start, std::string measure_name);
  void update(std::int64_t iteration, double loss, double measure);
  void finish();

 private:
  bool m_enabled, m_tty;
  std::int64_t m_total, m_start;
  std::string m_measure_name;
  std::chrono::steady_clock::time_point m_begin, m_last_line;
  bool m_drawn = false;
};

}  // namespace splinegrid::cli

#endif
