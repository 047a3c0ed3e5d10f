#include "cache_trust.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace tally::codegen {
namespace {

namespace fs = std::filesystem;

bool WritableByOthers(mode_t mode) { return (mode & (S_IWGRP | S_IWOTH)) != 0; }

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Why a directory whose stat() is `st` lets someone else than `uid` replace what is in it.
std::string DirectoryProblem(const std::string& path, const struct stat& st, uid_t uid, bool is_cache_dir) {
  if (!S_ISDIR(st.st_mode)) return path + " is not a directory";
  const bool owner_ok = st.st_uid == uid || (!is_cache_dir && st.st_uid == 0);
  if (!owner_ok) return path + " is owned by another user (uid " + std::to_string(st.st_uid) + ")";
  // The sticky bit stops others from renaming or deleting entries they do not own.
  if (WritableByOthers(st.st_mode) && !(st.st_mode & S_ISVTX)) {
    return path + " is writable by " + ((st.st_mode & S_IWOTH) ? "every user" : "its group") + " (mode " +
           OctalMode(st.st_mode) + ")";
  }
  return "";
}

}  // namespace

Status CreateCacheDir(const std::string& dir) {
  std::error_code ec;
  fs::path path = fs::absolute(dir, ec);
  if (ec) return Error{"cannot create kernel cache directory " + dir + ": " + ec.message(), ErrorCode::kIo};
  std::vector<fs::path> missing;
  for (fs::path p = path.lexically_normal(); !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) break;
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return Error{"cannot create kernel cache directory " + dir + ": " + std::strerror(errno), ErrorCode::kIo};
    }
  }
  return Status::Ok();
}

std::string UntrustedCacheDirReason(const std::string& dir, uid_t uid) {
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);
  if (ec) return dir + ": " + ec.message();
  bool is_cache_dir = true;
  for (fs::path p = real;; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return p.string() + ": " + std::strerror(errno);
    std::string problem = DirectoryProblem(p.string(), st, uid, is_cache_dir);
    if (!problem.empty()) return problem;
    is_cache_dir = false;
    if (p == p.parent_path()) break;
  }
  return "";
}

std::string UntrustedEntryReason(const struct stat& st, uid_t uid) {
  if (S_ISLNK(st.st_mode)) return "it is a symbolic link";
  if (!S_ISREG(st.st_mode)) return "";  // ReadFile names what it is
  if (st.st_uid != uid) return "it is owned by another user (uid " + std::to_string(st.st_uid) + ")";
  if (WritableByOthers(st.st_mode)) return "it is writable by another user";
  return "";
}

}  // namespace tally::codegen
