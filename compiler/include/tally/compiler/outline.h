// What .tally files declare, read by the compiler's own parser but not type-checked: for
// tools that must understand definitions that may not compile (governance decides who must
// approve a change, diffs declarations and compares interfaces before anything compiles).
// Names, versions and types are as written; a file with syntax errors gives the partial
// outline the parser recovered, with its diagnostics.
#pragma once

#include <string>
#include <vector>

#include "tally/support/diagnostic.h"
#include "tally/support/source_file.h"

namespace tally {

// One member of a definition body (`input x : int`, `require ...`, a whole test block).
struct MemberOutline {
  std::string kind;   // its keyword: "input", "output", "param", "let", "require", "key", "group",
                      // "version", "owner", "description", "tags", "expires_after", "test"
  std::string name;   // what it declares (input/output/param/let/test name); "" otherwise
  std::string text;   // as written without comments, each line trimmed, empty lines dropped;
                      // lines joined by "\n" in a test, else " "
  SourceRange range;
};

struct FieldOutline {
  std::string name;
  std::string type;   // as written, "float", "int?"; "" when missing
  bool nullable = false;
  SourceRange range;  // the whole member
};

struct ParamOutline {
  std::string name;
  std::string type;   // "" when not written
  bool regional = false;
  SourceRange range;
};

// A user-defined function is outlined as a definition of kind "function": its parameters are
// its `inputs` (in order), its result the one output `result`, its members the parameters
// ("parameter"), the result type ("returns"), version, owner, description and the body
// ("body"), so the gate reads its owner and version like a definition's.
struct DefinitionOutline {
  SourceFilePtr source;      // keeps every range below valid
  std::string file;          // source->path()
  std::string name;          // "customer.health" (spaces around the dots are not part of it)
  std::string kind;          // "score", "metric" or "function"
  std::string version;       // the first `version` as written (e.g. "2.0.0-rc.1"); "" when missing
  std::string owner;         // the first `owner`; "" when missing
  SourceRange owner_range;   // of that owner's name
  SourceRange range;         // from the keyword to the closing brace
  std::string text;          // the source text of `range`
  std::vector<FieldOutline> inputs, outputs;
  std::vector<ParamOutline> params;
  std::vector<std::string> key, group_by, tests;
  std::vector<MemberOutline> members;  // in source order
  // Every name called in its expressions (built-ins and user-defined functions alike), as
  // written, sorted, each once: governance finds the definitions a function change affects.
  std::vector<std::string> calls;
};

struct OverrideItemOutline {
  std::string name;
  std::string value;  // the literal as written
  SourceRange range;
};

struct OverrideOutline {
  SourceFilePtr source;
  std::string file;          // source->path()
  std::string target;
  std::string region;
  SourceRange range;
  std::string text;
  std::vector<OverrideItemOutline> items;
};

// A `table` declaration: who owns it and which data file it names (docs/language.md,
// "Reference tables"), so that the gate owns the CSV through the table.
struct TableOutline {
  SourceFilePtr source;
  std::string file;          // source->path()
  std::string name;
  std::string version;       // the first `version` as written; "" when missing
  std::string owner;         // the first `owner`; "" when missing
  std::string source_file;   // the `source` as written, "" when missing
  std::string data_file;     // that path resolved against `file` as Compile resolves it; "" when
                             // it is not a path below the file's folder
  SourceRange range;
  std::string text;          // the source text of `range`
  std::string key;           // "segment : string"
  std::vector<FieldOutline> columns;
};

struct FileOutline {
  SourceFilePtr source;
  std::vector<DefinitionOutline> definitions;
  std::vector<OverrideOutline> overrides;
  std::vector<DefinitionOutline> functions;  // kind "function"
  std::vector<TableOutline> tables;
  DiagnosticList diagnostics;  // syntax errors; the outline then holds what the parser recovered
};

// Never fails: an unreadable file (invalid UTF-8, too large) gives an empty outline and a
// diagnostic.
FileOutline OutlineFile(const SourceFilePtr& source);

// The CSV path a table's `source` names, for a table declared in `tally_file`: the path
// below that file's folder, normalized; "" when `source` is absolute, climbs with `..` or is
// not a .csv file. Compile and the gate resolve it the same way.
std::string ResolveTableSource(const std::string& tally_file, const std::string& source);

}  // namespace tally
