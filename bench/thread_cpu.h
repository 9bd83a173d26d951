// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): on a shared machine, the figure that does not depend on
// what else runs. The benches that time their own loops read it in the unit they report.
#pragma once

#include <ctime>

namespace credence::bench {

inline double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}
inline double thread_cpu_ms() {
  return thread_cpu_ns() * 1e-6;
}
inline double thread_cpu_seconds() {
  return thread_cpu_ns() * 1e-9;
}

}  // namespace credence::bench
