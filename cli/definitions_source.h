// Where a command's definitions come from: governance::LoadDefinitions (the policy for
// choosing the commit lives there) over the repository the command line names.
#pragma once

#include <string>

#include "commands.h"
#include "tally/governance/sources.h"
#include "tally/support/result.h"

namespace tally::cli {

using DefinitionsSource = governance::DefinitionsSource;

// `name` may be NAME or NAME@MAJOR; `as_of` is a freeze name or commit (see sources.h).
Result<DefinitionsSource> LoadDefinitions(const GlobalOptions& global, const std::string& name,
                                          const std::string& as_of);

}  // namespace tally::cli
