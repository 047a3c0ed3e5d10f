// Behavioural evidence for version rules and reviews: compiles the definitions of two trees
// and runs old and new over the same rows — the repository's reference data
// (metrics/reference/*.csv, matched to inputs by column name) and generated inputs (a fixed
// seed, so every run sees the same rows) — comparing every output both versions share.
// Scores only: a metric's change has no sampled evidence yet. The oracle for RequiredBump
// also diffs the normalised IR of both versions (compiler/ir_compare.h): that is the proof;
// the samples can only add differences.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tally/compiler/compiler.h"
#include "tally/governance/definitions.h"
#include "tally/governance/versioning.h"

namespace tally::governance {

// The definitions under metrics/ of `files`, compiled; diagnostics rendered on failure.
struct CompiledTree {
  std::optional<Library> library;
  std::vector<std::string> errors;  // rendered diagnostics ("file:line:col: error: ...")
};
CompiledTree CompileTree(const FileMap& files);

struct OutputShift {
  std::string output;
  std::string type;
  int64_t rows_changed = 0;
  // Numeric outputs: means over rows both versions scored (nullopt when none were numeric).
  std::optional<double> mean_before, mean_after;
  double max_abs_change = 0;
  // String and bool outputs: "amber -> red" -> rows.
  std::map<std::string, int64_t> transitions;
};

struct BacktestSource {
  std::string name;       // "metrics/reference/health_sample.csv" or "generated (seed 1)"
  int64_t rows = 0;
  int64_t rows_changed = 0;
  int64_t rejected_before = 0, rejected_after = 0;
};

struct Backtest {
  std::string definition;
  bool ran = false;                      // false: no evidence (a metric, or nothing compiled)
  std::string why_not;
  std::vector<BacktestSource> sources;
  int64_t rows = 0;
  int64_t rows_changed = 0;              // rows where any shared output or the verdict differs
  std::vector<OutputShift> outputs;      // shared outputs
  std::vector<std::string> added_outputs, removed_outputs;
};

// Runs `name` from both libraries over the reference CSVs in `reference` (repository paths
// -> content) and `generated_rows` generated rows.
Backtest RunBacktest(const Library& before, const Library& after, const std::string& name,
                     const FileMap& reference, int generated_rows = 500);

// The reference CSVs of a tree: metrics/reference/*.csv.
FileMap ReferenceData(const FileMap& files);

// An oracle for RequiredBump over the definitions of `before` and `after`: the IR diff of
// each changed definition and its backtest.
BehaviourOracle MakeEvidenceOracle(const FileMap& before, const FileMap& after);

// Compile errors and failing tests of the definitions in `files`: what the gate refuses.
std::vector<std::string> CompileProblems(const FileMap& files);

}  // namespace tally::governance
