#include "tally/support/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>

#include "tally/support/sha256.h"

namespace tally {

namespace {

Error ErrnoError(const std::string& path) {
  std::string message = path + ": " + std::strerror(errno);
  return errno == ENOENT ? NotFoundError(std::move(message)) : IoError(std::move(message));
}

// rename() cannot put a file over a directory; finding that out before any rename keeps
// the publishing of several files all-or-nothing.
Status RefuseDirectory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return IoError(path + ": is a directory");
  }
  return Status::Ok();
}

// A character device or FIFO (/dev/null, /dev/full, a pipe) is written in place: renaming a
// temporary file over it would replace the device node with a regular file.
Result<int> OpenInPlace(const std::string& path) {
  // Non-blocking open, so a FIFO nobody reads fails (ENXIO) instead of hanging; the writes
  // then block as usual.
  int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoError(path);
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
    Error e = ErrnoError(path);
    ::close(fd);
    return e;
  }
  return fd;
}

// "<target>.tmp.<pid>.<random>": the writer's pid and a random number, both decimal.
std::string TemporaryName(const std::string& path, unsigned random) {
  return path + std::string(kTemporaryInfix) + std::to_string(::getpid()) + "." + std::to_string(random);
}

// The writer's pid if `name` is one of `base`'s temporaries, else 0.
pid_t TemporaryWriter(std::string_view name, std::string_view base) {
  const std::string prefix = std::string(base) + std::string(kTemporaryInfix);
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return 0;
  std::string_view rest = name.substr(prefix.size());
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 9 || dot + 1 == rest.size()) return 0;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(rest.substr(0, dot)) || !digits(rest.substr(dot + 1))) return 0;
  return static_cast<pid_t>(std::stol(std::string(rest.substr(0, dot))));
}

// A temporary is an orphan when its writer is gone: no process has its pid (ESRCH) and no
// process holds the lock every writer keeps on its temporary (a pid alone could belong to a
// writer in another pid namespace sharing the folder).
bool RemoveIfOrphan(const std::string& temp, pid_t writer) {
  if (writer == ::getpid()) return false;
  if (::kill(writer, 0) == 0 || errno != ESRCH) return false;
  int fd = ::open(temp.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool removed = false;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
    removed = ::unlink(temp.c_str()) == 0;
  }
  ::close(fd);
  return removed;
}

}  // namespace

int RemoveOrphanedTemporaries(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) return 0;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  std::vector<std::pair<std::string, pid_t>> orphans;
  while (const dirent* e = ::readdir(d)) {
    if (pid_t writer = TemporaryWriter(e->d_name, base); writer > 0) {
      orphans.emplace_back(dir + "/" + e->d_name, writer);
    }
  }
  ::closedir(d);
  int removed = 0;
  for (const auto& [temp, writer] : orphans) removed += RemoveIfOrphan(temp, writer) ? 1 : 0;
  return removed;
}

Result<AtomicFile> AtomicFile::Create(const std::string& path) {
  RETURN_IF_ERROR(RefuseDirectory(path));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    ASSIGN_OR_RETURN(int fd, OpenInPlace(path));
    AtomicFile file(path, std::string(), fd);
    file.in_place_ = true;
    return file;
  }
  // A run killed before it published left its temporaries; this is the next writer of
  // the same target, so it clears them (best effort: a failure here fails nothing).
  RemoveOrphanedTemporaries(path);
  // Unique per writer, so two runs writing the same file never share a temporary file.
  std::random_device rd;
  std::string temp = TemporaryName(path, rd());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(path);
  // The lock marks the temporary as having a live writer until it is published or removed;
  // a second descriptor keeps it after Prepare closes the one written through.
  int lock_fd = ::flock(fd, LOCK_EX | LOCK_NB) == 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
  AtomicFile file(path, std::move(temp), fd);
  file.lock_fd_ = lock_fd;
  return file;
}

Result<AtomicFile> AtomicFile::StandardOutput() {
  int fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("-");
  AtomicFile file("-", std::string(), fd);
  file.in_place_ = true;
  return file;
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      lock_fd_(other.lock_fd_),
      prepared_(other.prepared_),
      in_place_(other.in_place_),
      published_(other.published_),
      bytes_(other.bytes_) {
  other.fd_ = -1;
  other.lock_fd_ = -1;
  other.temp_.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    Discard();
    path_ = std::move(other.path_);
    temp_ = std::move(other.temp_);
    fd_ = other.fd_;
    lock_fd_ = other.lock_fd_;
    prepared_ = other.prepared_;
    in_place_ = other.in_place_;
    published_ = other.published_;
    bytes_ = other.bytes_;
    other.fd_ = -1;
    other.lock_fd_ = -1;
    other.temp_.clear();
  }
  return *this;
}

AtomicFile::~AtomicFile() { Discard(); }

void AtomicFile::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!published_ && !temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
  ReleaseLock();
}

void AtomicFile::ReleaseLock() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

Status AtomicFile::Write(std::string_view data) {
  if (fd_ < 0) return InternalError(path_ + ": written after it was closed");
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(path_);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  bytes_ += static_cast<int64_t>(data.size());
  return Status::Ok();
}

Status AtomicFile::Prepare() {
  if (prepared_) return Status::Ok();
  if (fd_ < 0) return InternalError(path_ + ": prepared after it was closed");
  int fd = fd_;
  fd_ = -1;
  // A device or pipe may not support fsync (EINVAL); its write errors have surfaced already.
  if (::fsync(fd) != 0 && !(in_place_ && (errno == EINVAL || errno == EROFS))) {
    Error e = ErrnoError(path_);
    ::close(fd);
    return e;
  }
  if (::close(fd) != 0) return ErrnoError(path_);
  if (!in_place_) RETURN_IF_ERROR(RefuseDirectory(path_));
  prepared_ = true;
  return Status::Ok();
}

Status AtomicFile::Stage(const std::string& staged_path) {
  if (in_place_) return InternalError(path_ + ": a device or pipe is written in place, not staged");
  if (published_) return InternalError(path_ + ": staged after it was published");
  RETURN_IF_ERROR(Prepare());
  if (::rename(temp_.c_str(), staged_path.c_str()) != 0) return ErrnoError(path_);
  temp_ = staged_path;
  return Status::Ok();
}

Status AtomicFile::Publish() {
  if (published_) return Status::Ok();
  RETURN_IF_ERROR(Prepare());
  if (!in_place_ && ::rename(temp_.c_str(), path_.c_str()) != 0) return ErrnoError(path_);
  published_ = true;
  ReleaseLock();
  return Status::Ok();
}

Status PublishAll(std::initializer_list<AtomicFile*> files) {
  for (AtomicFile* f : files) {
    if (f != nullptr) RETURN_IF_ERROR(f->Prepare());
  }
  for (AtomicFile* f : files) {
    if (f == nullptr) continue;
    Status st = f->Publish();
    if (st.ok()) continue;
    std::string message = st.message();
    for (AtomicFile* done : files) {
      if (done == f) break;
      // A file written in place (a device) is not ours to remove.
      if (done != nullptr && !done->in_place() && ::unlink(done->path().c_str()) == 0) {
        message += "; removed " + done->path() + " again";
      }
    }
    return Error{message, st.code()};
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  RETURN_IF_ERROR(file.Write(content));
  return file.Publish();
}

namespace {

// Opens `path` for reading only if it is a regular file. O_NONBLOCK keeps open() of a FIFO
// from waiting for a writer; it has no effect on reads of a regular file.
Result<int> OpenRegularFile(const std::string& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ErrnoError(path);
  if (::fstat(fd, &st) != 0) {
    Error e = ErrnoError(path);
    ::close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    const char* what = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    return Error{path + ": is " + std::string(what) + ", not a regular file", ErrorCode::kBadInput};
  }
  return fd;
}

}  // namespace

namespace {

// Closes a descriptor on every path out of a reader.
struct ClosingFd {
  int fd;
  ~ClosingFd() { ::close(fd); }
};

// One read(2), retried when a signal interrupts it; 0 at end of file.
Result<size_t> ReadSome(int fd, char* into, size_t size, const std::string& path) {
  for (;;) {
    ssize_t n = ::read(fd, into, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return ErrnoError(path);
  }
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, int64_t max_bytes) {
  struct stat st {};
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, st));
  ClosingFd closing{fd};
  auto too_large = [&] {
    return Error{path + ": larger than the " + std::to_string(max_bytes) + "-byte limit for this file",
                 ErrorCode::kBadInput};
  };
  if (st.st_size > max_bytes) return too_large();
  std::string data(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  // Read until end of file, not st_size: the file may grow or shrink while it is read.
  for (;;) {
    if (used == data.size()) {
      if (static_cast<int64_t>(data.size()) > max_bytes) return too_large();
      data.resize(std::max<size_t>(4096, data.size() * 2));
    }
    ASSIGN_OR_RETURN(size_t n, ReadSome(fd, data.data() + used, data.size() - used, path));
    if (n == 0) break;
    used += n;
  }
  if (static_cast<int64_t>(used) > max_bytes) return too_large();
  data.resize(used);
  return data;
}

Result<std::string> FileSha256Hex(const std::string& path) {
  struct stat st {};
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, st));
  ClosingFd closing{fd};
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, ReadSome(fd, buffer.data(), buffer.size(), path));
    if (n == 0) break;
    hash.Update(std::string_view(buffer.data(), n));
  }
  return hash.HexDigest();
}

}  // namespace tally
