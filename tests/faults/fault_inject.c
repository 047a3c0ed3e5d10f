/* An LD_PRELOAD shim that makes chosen file-system calls fail, in the spirit of SQLite's
 * fault-injection VFS: a test can see what Tally does when the disk fills up (ENOSPC), the
 * device errs (EIO) or the folder is read-only (EROFS) at every single call of a run, which
 * root (who ignores permissions) and a container (no tmpfs) cannot otherwise show.
 *
 * Environment:
 *   TALLY_FAULT_CALLS   comma-separated calls that count: write, pwrite, fsync, fdatasync,
 *                       rename, renameat, open (only with O_CREAT), mkdir, link; or "all"
 *   TALLY_FAULT_PATH    only calls on paths starting with this prefix count (for calls on a
 *                       descriptor, its path in /proc/self/fd); unset: every path
 *   TALLY_FAULT_NTH     the Nth counted call (from 1) fails; 0 or unset: none fails
 *   TALLY_FAULT_PERSIST 1: every counted call from the Nth on fails (a disk that stays full)
 *   TALLY_FAULT_ERRNO   ENOSPC (default), EIO, EROFS, or KILL (the process kills itself
 *                       with SIGKILL instead of making the call: a crash at that point)
 *   TALLY_FAULT_LOG     a file to which every counted call is appended as "N call path"
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static long counter;

/* Faults are for the process under test: the programs it starts (ssh-keygen, git) run
 * without the shim, so that the Nth call is the Nth call of Tally itself. */
__attribute__((constructor)) static void forget_preload(void) { unsetenv("LD_PRELOAD"); }

static const char* env(const char* name) {
  const char* v = getenv(name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

static int selected(const char* call) {
  const char* calls = env("TALLY_FAULT_CALLS");
  if (calls == NULL) return 0;
  if (strcmp(calls, "all") == 0) return 1;
  size_t n = strlen(call);
  for (const char* p = calls; *p != '\0';) {
    const char* end = strchr(p, ',');
    size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, call, n) == 0) return 1;
    if (end == NULL) break;
    p = end + 1;
  }
  return 0;
}

static int under_prefix(const char* path) {
  const char* prefix = env("TALLY_FAULT_PATH");
  if (prefix == NULL) return 1;
  return path != NULL && strncmp(path, prefix, strlen(prefix)) == 0;
}

/* The absolute path of a relative name, so that a prefix matches however a call names it. */
static void absolute(const char* path, char* out, size_t size) {
  if (path == NULL) {
    out[0] = '\0';
  } else if (path[0] == '/') {
    snprintf(out, size, "%s", path);
  } else {
    char cwd[2048];
    if (getcwd(cwd, sizeof cwd) == NULL) cwd[0] = '\0';
    snprintf(out, size, "%s/%s", cwd, path);
  }
}

static void fd_path(int fd, char* out, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, out, size - 1);
  out[n > 0 ? n : 0] = '\0';
}

static void log_call(long n, const char* call, const char* path) {
  const char* log = env("TALLY_FAULT_LOG");
  if (log == NULL) return;
  char line[4400];
  int len = snprintf(line, sizeof line, "%ld %s %s\n", n, call, path);
  /* Raw system calls: this shim's own open and write must not be counted or failed. */
  int fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (len > 0) (void)syscall(SYS_write, fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
  syscall(SYS_close, fd);
}

/* 0: make the call; -1 with errno set: fail it. */
static int fault(const char* call, const char* path) {
  if (!selected(call) || !under_prefix(path)) return 0;
  long n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
  log_call(n, call, path);
  const char* nth_text = env("TALLY_FAULT_NTH");
  long nth = nth_text != NULL ? strtol(nth_text, NULL, 10) : 0;
  const char* persist = env("TALLY_FAULT_PERSIST");
  if (nth <= 0 || n < nth || (n > nth && (persist == NULL || strcmp(persist, "1") != 0))) return 0;
  const char* what = env("TALLY_FAULT_ERRNO");
  if (what != NULL && strcmp(what, "KILL") == 0) {
    kill(getpid(), SIGKILL);
    for (;;) pause();
  }
  errno = what == NULL || strcmp(what, "ENOSPC") == 0 ? ENOSPC
          : strcmp(what, "EIO") == 0                  ? EIO
          : strcmp(what, "EROFS") == 0                ? EROFS
                                                      : ENOSPC;
  return -1;
}

static int fault_fd(const char* call, int fd) {
  if (!selected(call)) return 0;
  char path[4096];
  fd_path(fd, path, sizeof path);
  return fault(call, path);
}

static int fault_at(const char* call, int dirfd, const char* name) {
  if (!selected(call)) return 0;
  char path[4096];
  if (name != NULL && name[0] != '/' && dirfd != AT_FDCWD) {
    char dir[2048];
    fd_path(dirfd, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
  } else {
    absolute(name, path, sizeof path);
  }
  return fault(call, path);
}

#define REAL(name)                   \
  static __typeof__(&name) real_##name; \
  if (real_##name == NULL) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t count) {
  REAL(write);
  if (fault_fd("write", fd) != 0) return -1;
  return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite);
  if (fault_fd("pwrite", fd) != 0) return -1;
  return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite64);
  if (fault_fd("pwrite", fd) != 0) return -1;
  return real_pwrite64(fd, buf, count, offset);
}

int fsync(int fd) {
  REAL(fsync);
  if (fault_fd("fsync", fd) != 0) return -1;
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync);
  if (fault_fd("fdatasync", fd) != 0) return -1;
  return real_fdatasync(fd);
}

int rename(const char* from, const char* to) {
  REAL(rename);
  if (fault_at("rename", AT_FDCWD, to) != 0) return -1;
  return real_rename(from, to);
}

int renameat(int fromdir, const char* from, int todir, const char* to) {
  REAL(renameat);
  if (fault_at("renameat", todir, to) != 0) return -1;
  return real_renameat(fromdir, from, todir, to);
}

int mkdir(const char* path, mode_t mode) {
  REAL(mkdir);
  if (fault_at("mkdir", AT_FDCWD, path) != 0) return -1;
  return real_mkdir(path, mode);
}

int link(const char* from, const char* to) {
  REAL(link);
  if (fault_at("link", AT_FDCWD, to) != 0) return -1;
  return real_link(from, to);
}

static mode_t mode_arg(int flags, va_list ap) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char* path, int flags, ...) {
  REAL(open);
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  if ((flags & O_CREAT) != 0 && fault_at("open", AT_FDCWD, path) != 0) return -1;
  return real_open(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  REAL(open64);
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  if ((flags & O_CREAT) != 0 && fault_at("open", AT_FDCWD, path) != 0) return -1;
  return real_open64(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  REAL(openat);
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  if ((flags & O_CREAT) != 0 && fault_at("open", dirfd, path) != 0) return -1;
  return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char* path, int flags, ...) {
  REAL(openat64);
  va_list ap;
  va_start(ap, flags);
  mode_t mode = mode_arg(flags, ap);
  va_end(ap);
  if ((flags & O_CREAT) != 0 && fault_at("open", dirfd, path) != 0) return -1;
  return real_openat64(dirfd, path, flags, mode);
}
