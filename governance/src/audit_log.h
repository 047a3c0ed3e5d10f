// One structured line per governance action, through spdlog: to the logger registered as
// "tally.audit" when the program set one up (the command line sends it to stderr with
// --verbose), and always appended to <git dir>/tally/audit.log, so a repository keeps the
// trail of what was done to it. The log is a convenience trail; the signed records in git
// are the evidence.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tally::governance {

void LogAction(const std::string& git_dir, const std::string& action,
               const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace tally::governance
