// Writing a file so that readers see either the old content or the whole new content.
#pragma once

#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally {

// Writes `content` to a temporary file beside `path`, fsyncs it and renames it over `path`.
Status WriteFileAtomically(const std::string& path, std::string_view content);

Result<std::string> ReadFile(const std::string& path);

}  // namespace tally
