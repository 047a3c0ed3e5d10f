#include "tally/support/atomic_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
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

}  // namespace

Result<AtomicFile> AtomicFile::Create(const std::string& path) {
  RETURN_IF_ERROR(RefuseDirectory(path));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
    ASSIGN_OR_RETURN(int fd, OpenInPlace(path));
    AtomicFile file(path, std::string(), fd);
    file.in_place_ = true;
    return file;
  }
  // Unique per writer, so two runs writing the same file never share a temporary file.
  std::random_device rd;
  std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(path);
  return AtomicFile(path, std::move(temp), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      prepared_(other.prepared_),
      in_place_(other.in_place_),
      published_(other.published_),
      bytes_(other.bytes_) {
  other.fd_ = -1;
  other.temp_.clear();
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    Discard();
    path_ = std::move(other.path_);
    temp_ = std::move(other.temp_);
    fd_ = other.fd_;
    prepared_ = other.prepared_;
    in_place_ = other.in_place_;
    published_ = other.published_;
    bytes_ = other.bytes_;
    other.fd_ = -1;
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

Status AtomicFile::Publish() {
  if (published_) return Status::Ok();
  RETURN_IF_ERROR(Prepare());
  if (!in_place_ && ::rename(temp_.c_str(), path_.c_str()) != 0) return ErrnoError(path_);
  published_ = true;
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

Result<std::string> ReadFile(const std::string& path, int64_t max_bytes) {
  struct stat st {};
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, st));
  auto too_large = [&] {
    return Error{path + ": larger than the " + std::to_string(max_bytes) + "-byte limit for this file",
                 ErrorCode::kBadInput};
  };
  if (st.st_size > max_bytes) {
    ::close(fd);
    return too_large();
  }
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t used = 0;
  // Read until end of file, not st_size: the file may grow or shrink while it is read.
  for (;;) {
    if (used == data.size()) {
      if (static_cast<int64_t>(data.size()) > max_bytes) {
        ::close(fd);
        return too_large();
      }
      data.resize(std::max<size_t>(4096, data.size() * 2));
    }
    ssize_t n = ::read(fd, data.data() + used, data.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = ErrnoError(path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  if (static_cast<int64_t>(used) > max_bytes) return too_large();
  data.resize(used);
  return data;
}

Result<std::string> FileSha256Hex(const std::string& path) {
  struct stat st {};
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, st));
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = ErrnoError(path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    hash.Update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return hash.HexDigest();
}

}  // namespace tally
