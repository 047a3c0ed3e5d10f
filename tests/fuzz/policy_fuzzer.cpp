// libFuzzer target for the governance policy (governance/policy.yaml): any bytes in as YAML.
//
// ParsePolicy must never crash or let an exception out (yaml-cpp throws; the parser catches),
// must report every problem as "file:line:col: error: message" with a real line and column
// (1-based, within the text), and a policy it accepts must hold what it validated: every
// council member is a person, every quorum is reachable, every region's council and the
// policy council exist, no freeze ends before it starts, no key is shared.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tally/governance/policy.h"

#include "fuzz_check.h"

namespace {

constexpr std::string_view kPath = "governance/policy.yaml";

// Reads a positive decimal number at `pos` up to `stop`, or -1.
int64_t Number(std::string_view s, size_t& pos, char stop) {
  int64_t n = 0;
  size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 12) n = n * 10 + (s[pos++] - '0');
  if (pos == start || pos >= s.size() || s[pos] != stop) return -1;
  ++pos;
  return n;
}

// "governance/policy.yaml:LINE:COL: error: ..." with 1 <= LINE <= lines of the text + 1.
bool IsErrorLine(std::string_view line, int64_t text_lines) {
  if (!line.starts_with(kPath) || line.size() <= kPath.size() || line[kPath.size()] != ':') return false;
  size_t pos = kPath.size() + 1;
  const int64_t at = Number(line, pos, ':');
  const int64_t column = Number(line, pos, ':');
  return at >= 1 && at <= text_lines + 1 && column >= 1 && line.substr(pos).starts_with(" error: ") &&
         line.size() > pos + 8;
}

void CheckAccepted(const tally::governance::Policy& p) {
  FUZZ_CHECK(p.version >= 1);
  FUZZ_CHECK(p.FindCouncil(p.policy_council) != nullptr);
  for (const auto& [name, council] : p.councils) {
    FUZZ_CHECK(council.name == name);
    FUZZ_CHECK(council.quorum >= 1 && static_cast<size_t>(council.quorum) <= council.members.size());
    for (const std::string& m : council.members) FUZZ_CHECK(p.people.count(m) == 1);
  }
  for (const auto& [region, council] : p.regions) FUZZ_CHECK(p.councils.count(council) == 1);
  for (const auto& [name, person] : p.people) {
    FUZZ_CHECK(person.name == name);
    FUZZ_CHECK(p.PersonWithKey(person.key) == &person);
    FUZZ_CHECK(!(person.key == p.gate));
  }
  for (const auto& f : p.freezes) FUZZ_CHECK(f.from <= f.until && !f.name.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tally::Result<tally::governance::Policy> policy = [&] {
    try {
      return tally::governance::ParsePolicy(text, std::string(kPath));
    } catch (...) {
      std::fprintf(stderr, "policy_fuzzer: ParsePolicy let an exception out\n");
      std::abort();
    }
  }();
  if (policy.ok()) {
    CheckAccepted(*policy);
    return 0;
  }
  int64_t text_lines = 1;
  for (char c : text) text_lines += c == '\n' || c == '\r';
  const std::string& message = policy.error().message;
  FUZZ_CHECK(!message.empty());
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (!IsErrorLine(std::string_view(message).substr(start, end - start), text_lines)) {
      std::fprintf(stderr, "policy_fuzzer: not one \"file:line:col: error: message\" per line:\n%s\n",
                   message.c_str());
      std::abort();
    }
    start = end + 1;
  }
  return 0;
}
