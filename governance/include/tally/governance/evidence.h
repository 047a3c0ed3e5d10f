// Behavioural evidence for version rules and reviews: compiles the definitions of two trees
// and compares existing outputs on the definitions' tests, the repository's reference data
// (metrics/reference/*.csv) and generated inputs.
#pragma once

#include <string>
#include <vector>

#include "tally/governance/definitions.h"
#include "tally/governance/versioning.h"

namespace tally::governance {

// An oracle for RequiredBump over the definitions in `before` and `after` (repository
// files). Returns an empty function when no compiler is available to this build.
BehaviourOracle MakeEvidenceOracle(const FileMap& before, const FileMap& after);

// Every compile error of the definitions in `files` ("file:line:col: error: ..."), empty
// when they compile (or when no compiler is available to this build).
std::vector<std::string> CompileProblems(const FileMap& files);

}  // namespace tally::governance
