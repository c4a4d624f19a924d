#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace splinegrid::cli {

Progress::Progress(bool enabled, std::int64_t total, std::int64_t start, std::string measure_name)
    : m_enabled(enabled), m_tty(enabled && ::isatty(STDERR_FILENO) == 1), m_total(total),
      m_start(start), m_measure_name(std::move(measure_name)),
      m_begin(std::chrono::steady_clock::now()), m_last_line(m_begin) {}

void Progress::update(std::int64_t iteration, double loss, double measure) {
  if (!m_enabled) return;
  auto const now = std::chrono::steady_clock::now();
  double const elapsed = std::chrono::duration<double>(now - m_begin).count();
  double const rate = elapsed > 0 ? double(iteration - m_start) / elapsed : 0.0;
  if (m_tty) {
    int const width = 30;
    int const filled = m_total > 0 ? static_cast<int>(width * double(iteration) / double(m_total)) : 0;
    std::string bar(static_cast<std::size_t>(filled > width ? width : filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r[%s] iteration %lld/%lld  loss %.6e  %s %.3e  %.1f it/s ", bar.c_str(),
                 (long long)iteration, (long long)m_total, loss, m_measure_name.c_str(), measure, rate);
    std::fflush(stderr);
    m_drawn = true;
    return;
  }
  // Plain lines: at most one per second, plus every tenth of the run.
  std::int64_t const step = m_total >= 10 ? m_total / 10 : 1;
  bool const due = std::chrono::duration<double>(now - m_last_line).count() >= 1.0;
  if (!due && iteration % step != 0) return;
  m_last_line = now;
  std::fprintf(stderr, "fit: iteration %lld/%lld loss %.6e %s %.3e (%.1f it/s)\n",
               (long long)iteration, (long long)m_total, loss, m_measure_name.c_str(), measure, rate);
}

void Progress::finish() {
  if (m_enabled && m_tty && m_drawn) std::fprintf(stderr, "\n");
}

}  // namespace splinegrid::cli
