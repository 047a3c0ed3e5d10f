// Names that reach the file system or the ref namespace come from users and from
// repositories others wrote; these checks are applied wherever such a name is used.
#pragma once

#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally::governance {

// A relative path inside a repository: no empty, "." or ".." component, not absolute, no
// backslash or NUL, no ".git" component (any case), valid UTF-8 (paths are recorded in
// trailers and JSON), at most 4096 bytes.
Status CheckRepoPath(std::string_view path);

// A name used as one ref component (a freeze name, a CR number): letters, digits and
// "._-", not starting with "." or "-", not ending in ".lock", at most 100 bytes.
Status CheckRefComponent(std::string_view name, std::string_view what);

}  // namespace tally::governance
