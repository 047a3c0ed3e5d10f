#include "tally/runtime/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace tally::runtime {

namespace {
Error Errno(const std::string& path) { return Error{path + ": " + std::strerror(errno)}; }
}  // namespace

Result<std::unique_ptr<AtomicOutputFile>> AtomicOutputFile::Create(const std::string& path) {
  std::random_device rd;
  // Unique per writer, so two runs writing the same output never share a temporary file.
  std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(temp);
  return std::unique_ptr<AtomicOutputFile>(new AtomicOutputFile(path, std::move(temp), fd));
}

AtomicOutputFile::~AtomicOutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

Status AtomicOutputFile::Write(std::string data) {
  if (Status st = WriteOut(data); !st.ok()) return st;
  if (observer_ && !data.empty()) {
    auto owner = std::make_shared<const std::string>(std::move(data));
    observer_(*owner, owner);
  }
  return Status::Ok();
}

Status AtomicOutputFile::WriteBytes(std::string_view data) {
  if (Status st = WriteOut(data); !st.ok()) return st;
  if (observer_ && !data.empty()) observer_(data, nullptr);
  return Status::Ok();
}

Status AtomicOutputFile::WriteOut(std::string_view data) {
  if (fd_ < 0) return Error{path_ + ": already closed"};
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(temp_);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  bytes_ += static_cast<int64_t>(data.size());
  return Status::Ok();
}

Status AtomicOutputFile::Commit() {
  if (fd_ < 0) return Error{path_ + ": already closed"};
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0) {
    Error e = Errno(temp_);
    ::close(fd);
    return e;
  }
  if (::close(fd) != 0) return Errno(temp_);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) return Errno(path_);
  committed_ = true;
  return Status::Ok();
}

}  // namespace tally::runtime
