// Finding the lineage record that describes a score file, across a crash in the middle of
// publishing (docs/scoring.md, "Atomicity").
//
// A run publishes with three renames, so no reader ever sees a new output beside an old
// record: (1) the complete record to OUT.csv.lineage.<first 16 hex digits of the output's
// sha256>.json, the *staged* record; (2) the output to OUT.csv; (3) the staged record over
// OUT.csv.lineage.json. A process killed between (2) and (3) leaves the new output with the
// previous run's OUT.csv.lineage.json and its own staged record. Readers therefore ask
// LocateLineageRecord, never open OUT.csv.lineage.json directly: it returns the record whose
// output sha256 is the file's own. The next run to the same output removes staged records.
#pragma once

#include <string>
#include <string_view>

#include "tally/support/result.h"

namespace tally::runtime {

// OUT.csv.lineage.<sha256 prefix>.json: where a run stages its record before publishing.
std::string StagedLineagePath(const std::string& output_path, std::string_view output_sha256);

// The path of the record that describes the file at `output_path`: LineagePath(output_path)
// when its output sha256 matches the file (or the file cannot be hashed, for the caller to
// report), else the staged record bound to the file's hash when there is one that matches,
// else LineagePath(output_path) again (a mismatch the caller reports, e.g. trace's "output
// unchanged"). kNotFound when neither record exists. The output's sha256, which finding the
// record needs, goes to `*output_sha256` when given ("" when the file cannot be hashed), so a
// caller that checks the output does not hash a large file twice.
Result<std::string> LocateLineageRecord(const std::string& output_path, std::string* output_sha256 = nullptr);

// Removes every staged record of `output_path`; called once a run has published (its own
// staged record renamed away), so those left belong to runs killed mid-publish. Runs to the
// same output at the same time are not supported: one may remove the other's staged record,
// whose final rename then fails (that run reports an error and withdraws its output).
// Best effort: what cannot be removed is left.
void RemoveStagedLineageRecords(const std::string& output_path);

}  // namespace tally::runtime
