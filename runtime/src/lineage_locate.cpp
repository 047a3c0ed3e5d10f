#include "tally/runtime/lineage_locate.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "tally/runtime/lineage.h"
#include "tally/support/atomic_file.h"

namespace tally::runtime {

namespace {

constexpr size_t kStagedHashDigits = 16;

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The output sha256 a record states, or "" when it cannot be read.
std::string RecordedOutputSha(const std::string& record_path) {
  auto record = ReadLineageRecord(record_path);
  return record ? record->output.sha256 : std::string();
}

}  // namespace

std::string StagedLineagePath(const std::string& output_path, std::string_view output_sha256) {
  return output_path + ".lineage." + std::string(output_sha256.substr(0, kStagedHashDigits)) + ".json";
}

Result<std::string> LocateLineageRecord(const std::string& output_path, std::string* output_sha256) {
  const std::string main = LineagePath(output_path);
  const bool main_exists = IsRegularFile(main);
  auto sha = FileSha256Hex(output_path);
  if (output_sha256 != nullptr) *output_sha256 = sha ? *sha : std::string();
  if (!sha) {
    if (main_exists) return main;  // the caller reports the unreadable output
    return NotFoundError(main + ": " + sha.error().message);
  }
  if (main_exists && RecordedOutputSha(main) == *sha) return main;
  const std::string staged = StagedLineagePath(output_path, *sha);
  if (IsRegularFile(staged) && RecordedOutputSha(staged) == *sha) return staged;
  // The writer may have renamed its staged record over the main one since we read it.
  if (IsRegularFile(main)) return main;
  return NotFoundError(main + ": No such file or directory");
}

void RemoveStagedLineageRecords(const std::string& output_path) {
  const size_t slash = output_path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : output_path.substr(0, slash));
  const std::string prefix =
      (slash == std::string::npos ? output_path : output_path.substr(slash + 1)) + ".lineage.";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name.size() != prefix.size() + kStagedHashDigits + 5 || name.substr(0, prefix.size()) != prefix ||
        name.substr(name.size() - 5) != ".json") {
      continue;
    }
    const std::string_view hex = name.substr(prefix.size(), kStagedHashDigits);
    if (!std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
      continue;
    }
    stale.push_back(dir + "/" + std::string(name));
  }
  ::closedir(d);
  for (const std::string& path : stale) ::unlink(path.c_str());
}

}  // namespace tally::runtime
