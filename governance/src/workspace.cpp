#include "workspace.h"

#include <sys/stat.h>

#include <filesystem>

#include "tally/governance/paths.h"
#include "tally/support/atomic_file.h"

namespace tally::governance {

Result<Workspace> OpenWorkspace(const std::string& dir) {
  auto repo = git::Repo::Open(dir);
  if (!repo) return repo.error();
  auto governed = store::FindGoverned(*repo);
  if (!governed) return governed.error();
  RETURN_IF_ERROR(store::CheckGovernedRoot(*repo, *governed));
  auto policy = store::PolicyAt(*repo, governed->tip);
  if (!policy) return Error{"the governed policy cannot be read: " + policy.error().message};
  std::string git_dir = git_repository_path(repo->get());
  return Workspace{std::move(*repo), *governed, std::move(*policy), git_dir};
}

Result<FileMap> ReadWorkingFolder(const std::string& workdir, const std::string& rel) {
  namespace fs = std::filesystem;
  FileMap out;
  fs::path root = fs::path(workdir) / rel;
  struct stat st;
  if (::lstat(root.c_str(), &st) != 0) return out;  // absent: no files
  if (!S_ISDIR(st.st_mode)) return Error{rel + " is not a folder"};
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end; it != end; it.increment(ec)) {
    if (ec) return Error{rel + ": " + ec.message()};
    std::string path = (rel == "." ? "" : rel + "/") + it->path().lexically_relative(root).generic_string();
    if (Status s = CheckRepoPath(path); !s.ok()) return Error{s.message()};
    if (::lstat(it->path().c_str(), &st) != 0) return Error{path + ": cannot read"};
    if (S_ISLNK(st.st_mode)) return Error{path + " is a symbolic link; governed files must be regular files"};
    if (S_ISDIR(st.st_mode)) continue;
    if (!S_ISREG(st.st_mode)) return Error{path + " is not a regular file"};
    auto text = ReadFile(it->path().string());
    if (!text) return text.error();
    out[path] = std::move(*text);
  }
  if (ec) return Error{rel + ": " + ec.message()};
  return out;
}

}  // namespace tally::governance
