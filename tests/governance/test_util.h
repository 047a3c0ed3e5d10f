// Helpers shared by the governance tests: temporary folders, keys made by ssh-keygen (never
// committed), and running external tools whose verdict is independent of Tally's code.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tally::governance::govtest {

inline std::string Shell(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs `command` in a shell; returns its exit code and puts stdout+stderr in *output.
inline int RunCommand(const std::string& command, std::string* output = nullptr) {
  std::string full = "(" + command + ") 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  int status = ::pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tally-gov-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& p) const { return path_ / p; }

 private:
  std::filesystem::path path_;
};

// A fresh ed25519 key pair from ssh-keygen: returns the private key path; the public key is
// at path + ".pub".
inline std::string MakeKey(const TempDir& dir, const std::string& name) {
  std::string path = (dir / ("key-" + name)).string();
  std::string out;
  int rc = RunCommand("ssh-keygen -q -t ed25519 -N '' -C " + Shell(name + "@example.com") + " -f " + Shell(path), &out);
  if (rc != 0) return "";
  return path;
}

inline std::string PublicKeyLine(const std::string& private_path) {
  std::string text = ReadAll(private_path + ".pub");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace tally::governance::govtest
