#include "tally/support/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace tally {

namespace {
std::string ErrnoMessage(const std::string& path) { return path + ": " + std::strerror(errno); }
}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  // A unique name per writer, so two processes writing the same file never share a temp file.
  std::random_device rd;
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error{ErrnoMessage(tmp)};
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e{ErrnoMessage(tmp)};
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e{ErrnoMessage(tmp)};
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e{ErrnoMessage(path)};
    ::unlink(tmp.c_str());
    return e;
  }
  return Status::Ok();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrnoMessage(path)};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{ErrnoMessage(path)};
  return ss.str();
}

}  // namespace tally
