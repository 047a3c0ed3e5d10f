// Whether a freeze is one the gate made: its gate-log entry is signed by a person of the
// policy at the frozen commit, the tag still is the one logged, and the tag's signature
// verifies with the same key. Shared by `audit` (which reports) and `--as-of` (which refuses).
#pragma once

#include <string>
#include <vector>

#include "store.h"

namespace tally::governance {

// Problems of the freeze logged as `entry` (kind "freeze"), worded as audit violations; none:
// the freeze is genuine. The frozen commit being on the governed branch is checked by callers.
std::vector<std::string> FreezeProblems(const git::Repo& repo, const store::LogEntry& entry);

}  // namespace tally::governance
