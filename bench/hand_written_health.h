// The LANGUAGE.md health score written by hand in C++: the peer the JIT kernel is measured
// against (docs/performance.md). Built with clang -O3 -ffp-contract=off for the same
// baseline CPU as the kernels, so both sides may use the same vector instructions.
#pragma once

#include <cstdint>

namespace tally::bench {

struct HealthColumns {
  int64_t rows = 0;
  const int64_t* logins = nullptr;
  const int64_t* prev = nullptr;
  const int64_t* tickets = nullptr;
  const double* nps = nullptr;
  const uint8_t* nps_valid = nullptr;
  const double* arr = nullptr;
  double* score = nullptr;
  int32_t* tier = nullptr;      // 0 green, 1 amber, 2 red
  uint8_t* at_risk = nullptr;
  uint32_t* status = nullptr;   // 1 when open_tickets < 0
  // Only written by HandWrittenHealthWithValidity (the kernel ABI's output validity).
  uint8_t* score_valid = nullptr;
  uint8_t* tier_valid = nullptr;
  uint8_t* at_risk_valid = nullptr;
};

// The formula and nothing else.
void HandWrittenHealth(const HealthColumns& c);
// The same, also writing the output validity bytes the kernel ABI has (all 1 here).
void HandWrittenHealthWithValidity(const HealthColumns& c);

}  // namespace tally::bench
