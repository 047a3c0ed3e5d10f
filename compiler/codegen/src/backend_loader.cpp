// Finds and loads the LLVM plugin (backend.h) on first use.
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "tally_codegen_source_hash.h"

#ifndef TALLY_CODEGEN_PLUGIN_PATH
#error "TALLY_CODEGEN_PLUGIN_PATH must be defined by the build"
#endif

namespace tally::codegen {
namespace {

constexpr const char* kPluginName = "libtally_codegen_llvm.so";

std::atomic<bool> loaded{false};

// Where the plugin may be, in the order tried.
std::vector<std::string> Candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("TALLY_CODEGEN_PLUGIN"); env && *env) {
    paths.push_back(env);
    return paths;  // an explicit choice is the only one
  }
  paths.push_back(TALLY_CODEGEN_PLUGIN_PATH);
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    paths.push_back((exe.parent_path() / kPluginName).string());
    paths.push_back((exe.parent_path().parent_path() / "lib" / "tally" / kPluginName).string());
  }
  return paths;
}

Result<Backend*> Open() {
  std::string tried;
  for (const std::string& path : Candidates()) {
    if (access(path.c_str(), R_OK) != 0) {
      tried += "\n  " + path + ": not found";
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      tried += "\n  " + path + ": " + (why ? why : "dlopen failed");
      continue;
    }
    auto entry = reinterpret_cast<BackendEntryFn>(dlsym(handle, kBackendEntrySymbol));
    if (!entry) {
      tried += "\n  " + path + ": not a Tally code generator plugin";
      continue;
    }
    std::string why;
    Backend* backend = entry(TALLY_CODEGEN_SOURCE_HASH, &why);
    if (!backend) {
      tried += "\n  " + path + ": " + why;
      continue;
    }
    loaded = true;
    return backend;  // the handle stays open for the life of the process
  }
  return Error{"cannot load Tally's code generator (LLVM) plugin " + std::string(kPluginName) + "; tried:" + tried +
               "\n(set TALLY_CODEGEN_PLUGIN to its path, or use --engine interpreter)"};
}

}  // namespace

Result<Backend*> LoadBackend() {
  static std::mutex mutex;
  static std::optional<Result<Backend*>> backend;
  std::lock_guard<std::mutex> lock(mutex);
  if (!backend) backend = Open();
  return *backend;
}

bool BackendLoaded() { return loaded; }

}  // namespace tally::codegen
