// The latency quantile the loopback benches (committee_bench, certifier_bench) print: the sample at index
// min(n − 1, ⌊q·n⌋) of the sorted samples, so q = 0.5 is the upper median and q = 1 the maximum; 0 when empty.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace credence::bench {

inline double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace credence::bench
