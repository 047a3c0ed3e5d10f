#include "tally/governance/evidence.h"

namespace tally::governance {

// The compiler's Compile() has not landed yet: until it does, no behavioural evidence, so a
// changed computation is classed major and compile errors are left to `tally check`.
BehaviourOracle MakeEvidenceOracle(const FileMap&, const FileMap&) { return {}; }

std::vector<std::string> CompileProblems(const FileMap&) { return {}; }

}  // namespace tally::governance
