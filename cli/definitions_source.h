// Where a command's definitions come from: the governed history of a repository (at its
// governed branch, a freeze, a commit, or the release of NAME@MAJOR) or a plain folder.
#pragma once

#include <string>
#include <vector>

#include "commands.h"
#include "tally/support/result.h"
#include "tally/support/source_file.h"

namespace tally::cli {

struct DefinitionsSource {
  std::vector<SourceFilePtr> files;
  std::string repo;                     // the repository root
  std::string commit;                   // empty: ungoverned
  std::string freeze;                   // set when --as-of named a freeze
  std::vector<std::string> approvers;   // of the release of `name`, when governed
};

// `name` may be NAME or NAME@MAJOR (only for a governed repository does @MAJOR select an
// older release); `as_of` is a freeze name or commit (governed repositories only).
Result<DefinitionsSource> LoadDefinitions(const GlobalOptions& global, const std::string& name,
                                          const std::string& as_of);

}  // namespace tally::cli
