// The compiler's front door: source files in, checked definitions and IR out.
//
//   CollectSources(paths) -> files
//   Compile(files)        -> Library (+ every diagnostic, all files, sorted by location)
//
// The stages behind it (parse -> Ast, check -> CheckedModule, lower -> ir::Program) are
// declared in their own headers and tested alone; this header is what other libraries use.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/support/diagnostic.h"
#include "tally/support/result.h"

namespace tally {

namespace ast {
struct Test;
}  // namespace ast

// Every `*.tally` file under each path (a file is taken as is), sorted by path, so the
// order of compilation and of diagnostics never depends on the file system. A file reached
// by several paths (a named file inside a named folder, a hard link) comes once, under its
// first path.
// Below a folder, the `*.csv` files come too: the data of reference tables. Compile takes
// every file named `*.csv` as data (IsDataFile), the rest as definitions.
Result<std::vector<SourceFilePtr>> CollectSources(const std::vector<std::string>& paths);
bool IsDataFile(const std::string& path);

// A reference table a definition reads (docs/language.md, "Reference tables").
struct TableInfo {
  std::string name;         // "cx.segment_weights"
  std::string version;
  std::string owner;
  std::string file;         // the .tally file declaring it
  std::string data_file;    // its CSV
  std::string data_sha256;  // of the CSV's bytes
};

// What a definition declares about itself, besides its code.
struct DefinitionInfo {
  std::string name;
  ir::Program::Kind kind = ir::Program::Kind::kScore;
  std::string version;          // "1.2.0"
  std::string owner;            // council name
  std::string description;
  std::vector<std::string> tags;
  std::optional<int64_t> expires_after_seconds;
  std::string file;             // path of the file that defines it
  // sha256 (hex) of the definition's own source text and of every override of it, in
  // file order: what "the same definition" means for caches and lineage.
  std::string content_sha256;
  std::vector<std::string> override_files;  // files holding `override NAME for region ...`
  // The user-defined functions it calls, directly or through others, sorted by name. Their
  // text is part of content_sha256: a definition changes when a function it calls does.
  std::vector<std::string> functions;
  std::vector<TableInfo> tables;            // the tables it reads, in order of first use
};

class Library {
 public:
  const ir::Program* Find(const std::string& name) const;
  const DefinitionInfo* Info(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted
  // A user-defined function's own program (compiler/lower.h LowerFunction), for comparing
  // two versions of it; null when there is no such function.
  const ir::Program* FindFunction(const std::string& name) const;
  std::vector<std::string> FunctionNames() const;  // sorted

  // The checked `test` blocks of definition `name`, in source order (empty when it has none
  // or there is no such definition). The runtime runs them on kernels
  // (tally/runtime/test_runner.h): the compiler only reads them.
  const std::vector<ast::Test>& Tests(const std::string& name) const;

  struct Impl;
  explicit Library(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const Impl& impl() const { return *impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

struct CompileResult {
  DiagnosticList diagnostics;          // errors and warnings, sorted by location
  std::optional<Library> library;      // present when there are no errors
};

CompileResult Compile(const std::vector<SourceFilePtr>& files);

}  // namespace tally
