#include "hand_written_health.h"

#include <algorithm>
#include <cmath>

namespace tally::bench {
namespace {

// score = round(100 * (0.5 * engagement + 0.3 * support + 0.2 * sentiment), 1)
inline double Score(int64_t logins, int64_t prev, int64_t tickets, double nps, bool nps_valid) {
  double engagement = std::min(std::max(static_cast<double>(logins) / static_cast<double>(std::max<int64_t>(prev, 1)), 0.0), 2.0) / 2.0;
  double support = 1.0 - static_cast<double>(std::min<int64_t>(tickets, 10)) / 10.0;
  double sentiment = nps_valid ? (nps + 100.0) / 200.0 : 0.5;
  double x = 100.0 * (0.5 * engagement + 0.3 * support + 0.2 * sentiment);
  return std::round(x * 10.0) / 10.0;
}

// One loop for both entry points; the validity stores are compiled in only when asked for,
// so HandWrittenHealth stays the plain loop a person would write.
template <bool kWithValidity>
void HealthLoop(const HealthColumns& c) {
  const int64_t* __restrict logins = c.logins;
  const int64_t* __restrict prev = c.prev;
  const int64_t* __restrict tickets = c.tickets;
  const double* __restrict nps = c.nps;
  const uint8_t* __restrict nps_valid = c.nps_valid;
  const double* __restrict arr = c.arr;
  double* __restrict score = c.score;
  int32_t* __restrict tier = c.tier;
  uint8_t* __restrict at_risk = c.at_risk;
  uint32_t* __restrict status = c.status;
  uint8_t* __restrict score_valid = c.score_valid;
  uint8_t* __restrict tier_valid = c.tier_valid;
  uint8_t* __restrict at_risk_valid = c.at_risk_valid;
  const int64_t rows = c.rows;
  for (int64_t i = 0; i < rows; ++i) {
    double s = Score(logins[i], prev[i], tickets[i], nps[i], nps_valid[i] != 0);
    score[i] = s;
    tier[i] = s >= 70.0 ? 0 : s >= 40.0 ? 1 : 2;
    at_risk[i] = s < 40.0 && arr[i] > 50000.0;
    status[i] = tickets[i] < 0 ? 1u : 0u;
    if constexpr (kWithValidity) {
      score_valid[i] = 1;
      tier_valid[i] = 1;
      at_risk_valid[i] = 1;
    }
  }
}

}  // namespace

void HandWrittenHealth(const HealthColumns& c) { HealthLoop<false>(c); }

void HandWrittenHealthWithValidity(const HealthColumns& c) { HealthLoop<true>(c); }

}  // namespace tally::bench
