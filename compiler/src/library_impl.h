// What a compiled Library holds. Private to the compiler.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "tally/compiler/checker.h"
#include "tally/compiler/compiler.h"

namespace tally {

struct Library::Impl {
  std::vector<SourceFilePtr> files;
  std::unique_ptr<CheckedModule> module;
  std::map<std::string, ir::Program> programs;
  std::map<std::string, DefinitionInfo> infos;
  std::map<std::string, ir::Program> function_programs;  // LowerFunction, by function name
};

}  // namespace tally
