#include "tally/governance/versioning.h"

#include <algorithm>

namespace tally::governance {

namespace {

const InterfaceItem* FindItem(const std::vector<InterfaceItem>& items, const std::string& name) {
  for (const auto& i : items)
    if (i.name == name) return &i;
  return nullptr;
}

using Members = std::vector<const MemberOutline*>;

// The members that say what is computed: description, tags and version do not (comments
// and spacing are not members at all).
Members Computational(const DefinitionOutline& d) {
  Members out;
  for (const auto& m : d.members)
    if (m.kind != "description" && m.kind != "tags" && m.kind != "version") out.push_back(&m);
  return out;
}

// Test blocks are evidence, not computation: changing them alone is a patch.
Members WithoutTests(const Members& members) {
  Members out;
  for (const auto* m : members)
    if (m->kind != "test") out.push_back(m);
  return out;
}

bool Same(const Members& a, const Members& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i]->text != b[i]->text) return false;
  return true;
}

std::vector<InterfaceItem> Items(const std::vector<FieldOutline>& fields) {
  std::vector<InterfaceItem> out;
  for (const auto& f : fields)
    if (!f.name.empty() && !f.type.empty()) out.push_back({f.name, f.type, f.nullable});
  return out;
}

// Inputs as they come: `format`, `delimiter`, `header` and `columns` decide which value
// every input reads, so changing how the file is read is major; `carry` shapes the output:
// a new carried column is an addition, one removed breaks its readers.
template <typename Raise>
void InputLayoutFindings(const DefinitionOutline& before, const DefinitionOutline& after, const Raise& raise) {
  auto texts = [](const DefinitionOutline& d, const std::string& kind) {
    std::vector<std::string> out;
    for (const auto& m : d.members)
      if (m.kind == kind) out.push_back(m.text);
    return out;
  };
  for (const char* kind : {"format", "delimiter", "header", "columns"}) {
    if (texts(before, kind) != texts(after, kind)) {
      raise(Bump::kMajor, std::string("how the input file is read changes (`") + kind + "`)");
    }
  }
  auto carried = [&](const DefinitionOutline& d) {
    std::vector<std::string> names;
    for (const std::string& text : texts(d, "carry")) {
      std::string rest = text.substr(std::min(text.size(), sizeof("carry") - 1));
      std::string name;
      for (char c : rest + ",") {
        if (c == ',') {
          if (!name.empty()) names.push_back(name);
          name.clear();
        } else if (c != ' ' && c != '\t') {
          name += c;
        }
      }
    }
    return names;
  };
  const std::vector<std::string> a = carried(before), b = carried(after);
  for (const auto& name : a)
    if (std::find(b.begin(), b.end(), name) == b.end()) raise(Bump::kMajor, "carried column " + name + " is removed");
  for (const auto& name : b)
    if (std::find(a.begin(), a.end(), name) == a.end()) raise(Bump::kMinor, "new carried column " + name);
  if (a != b && std::is_permutation(a.begin(), a.end(), b.begin(), b.end())) {
    raise(Bump::kMajor, "the carried columns change order");
  }
}

// "(a : float, b : int?) : float", from the outline of a function.
std::string Signature(const DefinitionOutline& f) {
  std::string out = "(";
  for (size_t i = 0; i < f.inputs.size(); ++i) out += (i ? ", " : "") + f.inputs[i].name + " : " + f.inputs[i].type;
  return out + ") : " + (f.outputs.empty() ? "" : f.outputs[0].type);
}

}  // namespace

Interface ReadInterface(const DefinitionOutline& d) {
  Interface iface;
  iface.inputs = Items(d.inputs);
  iface.outputs = Items(d.outputs);
  iface.key = d.key;
  iface.group_by = d.group_by;
  return iface;
}

VersionVerdict RequiredBump(const DefinitionOutline& before, const DefinitionOutline& after,
                            const BehaviourOracle& oracle) {
  VersionVerdict v;
  // Every finding can only raise the class; each reason names the class it implies.
  auto raise = [&](Bump b, const std::string& why) {
    v.required = std::max(v.required, b);
    v.reasons.push_back(why + " (" + BumpName(b) + ")");
  };
  auto note = [&](const std::string& what) { v.reasons.push_back("note: " + what); };
  Interface a = ReadInterface(before), b = ReadInterface(after);

  if (before.kind != after.kind) raise(Bump::kMajor, "kind changes from " + before.kind + " to " + after.kind);
  if (after.kind == "function" || before.kind == "function") {
    // A function's interface is its signature: callers pass arguments by position, so any
    // change of a parameter or of the result type breaks them.
    if (Signature(before) != Signature(after))
      raise(Bump::kMajor, "the signature changes: " + Signature(before) + " -> " + Signature(after));
  } else {
  if (a.key != b.key) raise(Bump::kMajor, "the key changes");
  if (a.group_by != b.group_by) raise(Bump::kMajor, "the grouping changes");
  for (const auto& out : a.outputs) {
    const InterfaceItem* now = FindItem(b.outputs, out.name);
    if (!now) raise(Bump::kMajor, "output " + out.name + " is removed or renamed");
    else if (now->type != out.type) raise(Bump::kMajor, "output " + out.name + " changes type " + out.type + " -> " + now->type);
  }
  for (const auto& out : b.outputs)
    if (!FindItem(a.outputs, out.name)) raise(Bump::kMinor, "new output " + out.name);
  for (const auto& in : b.inputs) {
    const InterfaceItem* old = FindItem(a.inputs, in.name);
    if (!old) {
      if (in.nullable) raise(Bump::kMinor, "new nullable input " + in.name);
      else raise(Bump::kMajor, "new required input " + in.name);
    } else if (old->type != in.type) {
      // Accepting nulls where none were allowed is an addition; anything else breaks callers.
      if (old->type + "?" == in.type) raise(Bump::kMinor, "input " + in.name + " becomes nullable");
      else raise(Bump::kMajor, "input " + in.name + " changes type " + old->type + " -> " + in.type);
    }
  }
  for (const auto& in : a.inputs)
    if (!FindItem(b.inputs, in.name)) raise(Bump::kMinor, "input " + in.name + " is no longer read");
  InputLayoutFindings(before, after, raise);
  }

  Members na = Computational(before), nb = Computational(after);
  if (Same(na, nb)) {
    if (before.text != after.text) raise(Bump::kPatch, "only comments, description or tags change");
    return v;
  }
  if (Same(WithoutTests(na), WithoutTests(nb))) {
    raise(Bump::kPatch, "only tests change");
    return v;
  }
  // The computation's text changed. The structure of the normalised IR is the floor: only a
  // proof keeps existing outputs unchanged; sampled evidence can only raise the class.
  if (!oracle) {
    raise(Bump::kMajor, "the computation changes and the versions were not compared");
    return v;
  }
  BehaviourEvidence e = oracle(before, after);
  if (!e.compared) {
    raise(Bump::kMajor, "the computation changes and the versions cannot be compared (" + e.why_not_compared + ")");
  } else if (!e.structural.empty()) {
    for (const auto& s : e.structural) raise(Bump::kMajor, s);
  } else {
    raise(Bump::kPatch, "the text of the computation changes, but the normalised IR of both versions is the same for "
                        "every existing output and every require: proven, not sampled");
  }
  for (const auto& d : e.sample_differences) raise(Bump::kMajor, d);
  if (e.sampled && e.sample_differences.empty())
    note("no difference on " + std::to_string(e.sample_rows) + " evidence rows (sampling raises the class, never lowers it)");
  else if (!e.sampled && !e.why_not_sampled.empty())
    note("no behavioural evidence: " + e.why_not_sampled);
  return v;
}

}  // namespace tally::governance
