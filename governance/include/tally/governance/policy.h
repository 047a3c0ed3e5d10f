// The governance policy: governance/policy.yaml in a governed repository (PRODUCT.md,
// "The policy file"). Who may approve what, the gate's key, freeze windows.
//
// ParsePolicy validates everything it can without the definitions (every name resolves,
// every quorum is reachable, no key is shared) and reports every problem it finds, one per
// line, as "file:line:col: error: message".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tally/governance/ssh.h"
#include "tally/support/diagnostic.h"
#include "tally/support/result.h"
#include "tally/support/source_file.h"

namespace tally::governance {

inline constexpr std::string_view kPolicyPath = "governance/policy.yaml";

// A calendar day (UTC), as days since 1970-01-01.
struct Date {
  int64_t days = 0;
  std::string ToString() const;  // "2026-12-24"
  auto operator<=>(const Date&) const = default;
};
std::optional<Date> ParseDate(std::string_view text);  // "YYYY-MM-DD" only
Date DateOfUnixTime(int64_t seconds);

struct Person {
  std::string name;
  PublicKey key;
};

struct Council {
  std::string name;
  std::vector<std::string> members;  // as written, no duplicates
  int quorum = 1;
  bool HasMember(const std::string& person) const;
};

// Merges are refused on every day in [from, until] (inclusive) without an exception.
struct FreezeWindow {
  std::string name;
  Date from;
  Date until;
  bool Contains(Date d) const { return from <= d && d <= until; }
};

struct Policy {
  int64_t version = 0;
  std::string governed_branch = "main";
  PublicKey gate;
  std::map<std::string, Person> people;
  std::map<std::string, Council> councils;
  std::map<std::string, std::string> regions;  // region -> council approving its overrides
  std::string policy_council;
  bool self_approval = false;
  std::vector<FreezeWindow> freezes;

  // The person whose key this is, or nullptr: the only way an identity is established.
  const Person* PersonWithKey(const PublicKey& key) const;
  const Council* FindCouncil(const std::string& name) const;
  // The first freeze window containing `day`, or nullptr.
  const FreezeWindow* ActiveFreeze(Date day) const;
  // Councils that approve regional overrides (values of `regions`).
  std::set<std::string> RegionalCouncils() const;
};

// `path` is used in messages only. Fails with every problem found, one per line.
Result<Policy> ParsePolicy(std::string_view text, const std::string& path);

// Every definition in `files` whose owner is not a council of `policy`, located at the
// owner's name (`policy_path` names the policy in the message). Definitions that do not
// parse far enough to name an owner are the compiler's to report.
DiagnosticList CheckOwners(const Policy& policy, const std::string& policy_path, const std::vector<SourceFilePtr>& files);

}  // namespace tally::governance
