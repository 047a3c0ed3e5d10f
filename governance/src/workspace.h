// What every command on an existing governed repository starts from: the repository, its
// governed branch and tip, and the policy at the tip. Also reading a working tree safely.
#pragma once

#include <string>

#include "git.h"
#include "store.h"
#include "tally/governance/definitions.h"

namespace tally::governance {

struct Workspace {
  git::Repo repo;
  store::Governed governed;
  Policy policy;  // at the governed tip
  std::string git_dir;
};
Result<Workspace> OpenWorkspace(const std::string& dir);

// The files of a working-tree folder `rel` ("metrics"), keyed by repository path. Symlinks,
// special files and unsafe names are refused (a working tree is input like any other).
Result<FileMap> ReadWorkingFolder(const std::string& workdir, const std::string& rel);

}  // namespace tally::governance
