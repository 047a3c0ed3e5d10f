// Where a command finds its repository and its definitions. Policy, not wiring: the
// command line only passes its flags and working directory.
//
// The repository: `--repo DIR` when given; otherwise the nearest folder, from the working
// directory upwards, that holds `.git` or a `metrics/` folder; otherwise the working
// directory. The same rule serves every command (check, test, score, the governance
// commands); see docs/cli.md.
//
// The definitions a score uses, in a governed repository (git holding Tally's gate log
// refs/tally/log; nothing in the checkout counts): `--as-of FREEZE|COMMIT` when given; else
// the release holding NAME@MAJOR; else the tip of the branch the gate log's root entry
// names. Policy and definitions always come from that commit, never from the working tree.
// In a plain folder: <repo>/metrics as it is on disk.
#pragma once

#include <string>
#include <vector>

#include "tally/support/result.h"
#include "tally/support/source_file.h"

namespace tally::governance {

// Never fails: with nothing found it returns `cwd`.
std::string FindRepository(const std::string& repo_flag, const std::string& cwd);

// True when `root` has a `.git` whose repository holds the gate log (refs/tally/log).
bool IsGoverned(const std::string& root);

struct DefinitionsSource {
  std::vector<SourceFilePtr> files;
  std::string repo;                     // the repository root
  std::string commit;                   // empty: ungoverned
  std::string freeze;                   // set when `as_of` named a freeze
  std::vector<std::string> approvers;   // of the release of `name`, when governed
};

// `name` may be NAME or NAME@MAJOR (only for a governed repository does @MAJOR select an
// older release); `as_of` is a freeze name or commit (governed repositories only).
Result<DefinitionsSource> LoadDefinitions(const std::string& repo, const std::string& name, const std::string& as_of);

// The policy that governs a checked folder: <folder>/governance/policy.yaml (the bundled
// library's layout) or <folder>/../governance/policy.yaml (a governed repository's); "" when
// there is none or `folder` is not a folder.
std::string PolicyPathFor(const std::string& folder);

}  // namespace tally::governance
