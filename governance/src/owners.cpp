// Definition owners against the policy's councils, read from the compiler's outline so that
// the diagnostic points at the `owner` line.
#include "tally/compiler/outline.h"
#include "tally/governance/policy.h"

namespace tally::governance {

DiagnosticList CheckOwners(const Policy& policy, const std::string& policy_path, const std::vector<SourceFilePtr>& files) {
  DiagnosticList out;
  for (const auto& file : files) {
    out.Retain(file);
    FileOutline outline = OutlineFile(file);
    std::vector<const DefinitionOutline*> owned;
    for (const auto& d : outline.definitions) owned.push_back(&d);
    for (const auto& f : outline.functions) owned.push_back(&f);  // functions are owned too
    for (const auto* p : owned) {
      const DefinitionOutline& d = *p;
      if (d.owner.empty() || policy.FindCouncil(d.owner) != nullptr) continue;
      out.Error("E-unknown-council", d.owner_range,
                "`" + d.name + "` is owned by `" + d.owner + "`, which is not a council of " + policy_path,
                "the councils are listed under `councils:` in the policy");
    }
  }
  return out;
}

}  // namespace tally::governance
