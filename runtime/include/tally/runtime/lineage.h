// The lineage record written beside a score file (OUT.csv.lineage.json): which approved
// definition produced it, on what input, with what code, so `tally trace` can verify it.
//
// One struct, LineageRecord, with its writer (LineageJson) and its reader
// (ReadLineageRecord) side by side, so the JSON keys are spelled in this one place.
// The runtime knows nothing of git or LLVM: governance facts (commit, approvers, freeze) and
// kernel facts (LLVM version, target) arrive as plain strings in LineageFacts. Params and
// regional overrides in force come from the ir::Program itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/input_layout.h"
#include "tally/runtime/run_summary.h"
#include "tally/support/result.h"

namespace tally::runtime {

// Signs a record's canonical bytes (LineageSigningBytes) and returns an armored SSH
// signature. The runtime knows nothing of keys: governance makes one (record_signing.h).
using LineageSigner = std::function<Result<std::string>(std::string_view canonical)>;

struct LineageFacts {
  std::string content_sha256;           // DefinitionInfo::content_sha256
  std::string definition_file;          // where it is defined
  std::string owner;                    // the council
  std::string commit = "ungoverned";    // governed branch commit, or "ungoverned"
  std::vector<std::string> approvers;   // of the change that released this version
  std::string freeze;                   // the freeze scored against (--as-of), if any
  std::string tally_version;           // empty: this build's version
  std::string llvm_version;             // empty when the interpreter ran
  std::string target_triple;
  std::string target_cpu;
  std::string target_features;
  std::optional<int64_t> expires_after_seconds;
  std::vector<ColumnMapping> mappings;  // --map in force
  std::optional<InputLayout> input_layout;  // how the input was read (ScoreFile sets it)
  LineageSigner sign;                   // optional: signs the record (tally score --sign-key)
};

// A param's value as recorded (monostate: a string constant the program does not have).
using LineageValue = std::variant<std::monostate, bool, int64_t, double, std::string>;
using LineageValues = std::vector<std::pair<std::string, LineageValue>>;  // name -> value, in order

// Every field of the record (docs/scoring.md). Strings that are null in the JSON are empty.
struct LineageRecord {
  struct File {
    std::string path;
    std::string sha256;
    int64_t bytes = 0;
    bool operator==(const File&) const = default;
  };
  // A reference table the definition read (docs/language.md, "Reference tables").
  struct Table {
    std::string name;
    std::string version;
    std::string sha256;  // of its CSV file's bytes
    bool operator==(const Table&) const = default;
  };
  std::string definition;
  std::string kind;  // "score" or "metric"
  std::string version;
  std::string content_sha256;
  std::string definition_file;
  std::string owner;
  std::string commit;  // "ungoverned" when the definitions were not governed
  std::vector<std::string> approvers;
  std::string freeze;
  LineageValues params;                                           // global values
  std::vector<std::pair<std::string, LineageValues>> regional_overrides;  // region -> changes
  std::vector<ColumnMapping> column_mappings;
  // How the input was read ("input_format"), which trace's recompute reads it with again.
  // Absent in records written before formats existed: those read CSV with a header.
  std::optional<InputLayout> input_layout;
  // The output's columns by origin ("output_columns"): keys (a metric's group keys), carried
  // columns, outputs, from the program. Absent in records written before it was recorded.
  struct OutputColumns {
    std::vector<std::string> keys;
    std::vector<std::string> carried;
    std::vector<std::string> outputs;
    bool operator==(const OutputColumns&) const = default;
  };
  std::optional<OutputColumns> output_columns;
  std::vector<Table> tables;  // in the program's order; the JSON has "tables" only when some
  File input;
  File output;
  int64_t output_rows = 0;
  std::string rejects_path;
  int64_t rows_read = 0;
  int64_t rows_scored = 0;
  int64_t rows_rejected = 0;
  std::string engine;
  std::string kernel_object_sha256;  // sha256 of the machine code that ran; empty for the interpreter
  std::string tally_version;
  std::string llvm_version;
  std::string target_triple;
  std::string target_cpu;
  std::string target_features;
  std::string run_at;  // UTC, "2026-03-01T12:00:00Z"
  std::optional<int64_t> expires_after_seconds;
  std::string valid_until;  // run_at + expires_after_seconds; empty when it does not expire
  // An armored SSH signature ("tally-lineage" namespace) over LineageSigningBytes of this
  // record, which hold the output's sha256; empty: unsigned. Absent in older records.
  std::string signature;
  bool operator==(const LineageRecord&) const = default;
};

inline constexpr std::string_view kLineageFormat = "tally-lineage/1";

std::string LineagePath(const std::string& output_path);  // output_path + ".lineage.json"

// The record of a finished run: facts from the caller, params from the program, the rest
// from the summary.
LineageRecord MakeLineageRecord(const ir::Program& program, const LineageFacts& facts,
                                const RunSummary& summary);

// The record as pretty-printed JSON (keys in a fixed order; see docs/runtime.md). Never
// throws: bytes that are not UTF-8 (a path, say) are written as U+FFFD.
std::string LineageJson(const LineageRecord& record);

// The bytes a signature covers: LineageJson of the record with `signature` cleared. A reader
// gets the same bytes back from a parsed record, whatever whitespace the file has.
std::string LineageSigningBytes(const LineageRecord& record);

// LineageJson of `record`, signed first by `sign` when it is set (see LineageFacts::sign).
Result<std::string> SignedLineageJson(LineageRecord record, const LineageSigner& sign);

// A field whose recorded value differs from the value derived independently (tally trace):
// `field` is its JSON path ("params.weight", "output.rows"), the values are JSON text, or
// "absent" when the key is missing on that side.
struct LineageDifference {
  std::string field;
  std::string recorded;
  std::string derived;
};
// Every field (at every depth) where the two records differ, in the record's key order.
std::vector<LineageDifference> CompareLineageRecords(const LineageRecord& recorded,
                                                     const LineageRecord& derived);

// Reads a record back. Fails, naming `source_name` and the field, when the text is not JSON,
// not format tally-lineage/1, or a field is missing or of the wrong type.
Result<LineageRecord> ParseLineageRecord(std::string_view text, const std::string& source_name);
// ParseLineageRecord of the file at `path` (kNotFound when there is none).
Result<LineageRecord> ReadLineageRecord(const std::string& path);

// "2026-03-01T12:00:00Z" for a Unix time.
std::string FormatUtc(int64_t unix_seconds);
// The Unix time of "2026-03-01T12:00:00Z" (exactly FormatUtc's form), or nullopt.
std::optional<int64_t> ParseUtc(std::string_view text);

}  // namespace tally::runtime
