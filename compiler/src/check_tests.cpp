// The checker, part 5: test blocks (`given` / `expect` against the definition's inputs and
// outputs).
#include "checker_internal.h"

#include <algorithm>
#include <set>

namespace tally::checking {

void DefinitionChecker::CheckTest(const ast::Test& test) {
  if (test.steps.empty()) {
    diagnostics_.Warning("W-empty-test", test.range, "test \"" + test.name + "\" checks nothing");
    return;
  }
  bool have_given = false;
  bool have_expect = false;
  for (const auto& step : test.steps) {
    switch (step.kind) {
      case ast::TestStep::Kind::kGiven:
        CheckGiven(step);
        have_given = true;
        break;
      case ast::TestStep::Kind::kExpect:
      case ast::TestStep::Kind::kExpectRejected:
        if (!have_given) {
          diagnostics_.Error("E-test-order", step.range, "`expect` must follow a `given`");
        }
        if (step.kind == ast::TestStep::Kind::kExpect) CheckExpect(step);
        else if (is_metric_) diagnostics_.Error("E-test-rejected-metric", step.range,
                                                "`expect rejected` applies to scores; in a metric a rejected row is left out of its group");
        have_expect = true;
        break;
    }
  }
  if (!have_expect) diagnostics_.Error("E-test-no-expect", test.range, "test \"" + test.name + "\" has no `expect`");
}

bool DefinitionChecker::FirstMention(std::set<std::string>& seen, const ast::TestBinding& b, const char* verb) {
  if (seen.insert(b.name).second) return true;
  diagnostics_.Error("E-duplicate-name", b.name_range, "`" + b.name + "` is " + verb + " twice");
  return false;
}

void DefinitionChecker::CheckGiven(const ast::TestStep& step) {
  std::set<std::string> given;
  for (const auto& b : step.bindings) {
    if (!FirstMention(given, b, "given")) continue;
    auto it = def_.symbols.find(b.name);
    if (it == def_.symbols.end() || it->second.kind != Symbol::Kind::kInput) {
      std::vector<std::string> inputs;
      for (const auto& in : ast_.inputs) inputs.push_back(in.name);
      diagnostics_.Error("E-test-unknown-input", b.name_range, "`" + b.name + "` is not an input of `" + ast_.name + "`",
                         Suggest(b.name, inputs));
      continue;
    }
    CheckLiteralFits(b.value, it->second.type, "input `" + b.name + "`");
  }
  for (const auto& in : ast_.inputs) {
    if (!in.type.nullable && !given.count(in.name)) {
      diagnostics_.Error("E-test-missing-input", step.range, "`given` has no value for input `" + in.name + "`",
                         "only nullable inputs may be left out (they are null)");
    }
  }
}

void DefinitionChecker::CheckExpect(const ast::TestStep& step) {
  std::set<std::string> seen;
  for (const auto& b : step.bindings) {
    if (!FirstMention(seen, b, "expected")) continue;
    auto it = def_.symbols.find(b.name);
    bool group_key = is_metric_ && std::any_of(ast_.group_by.begin(), ast_.group_by.end(),
                                               [&](const auto& g) { return g.value == b.name; });
    if (it == def_.symbols.end() || (it->second.kind != Symbol::Kind::kOutput && !group_key)) {
      std::vector<std::string> outputs;
      for (const auto& o : ast_.outputs) outputs.push_back(o.name);
      diagnostics_.Error("E-test-unknown-output", b.name_range,
                         "`" + b.name + "` is not an output of `" + ast_.name + "`", Suggest(b.name, outputs));
      continue;
    }
    CheckLiteralFits(b.value, it->second.type, "output `" + b.name + "`");
    if (b.tolerance) {
      bool number = b.tolerance->kind == ast::Literal::Kind::kFloat || b.tolerance->kind == ast::Literal::Kind::kInt;
      double tol = b.tolerance->kind == ast::Literal::Kind::kInt ? static_cast<double>(b.tolerance->int_value)
                                                                  : b.tolerance->float_value;
      if (!number || tol < 0) {
        diagnostics_.Error("E-test-tolerance", b.tolerance->range, "`within` needs a non-negative number");
      } else if (it->second.type.kind != K::kFloat) {
        diagnostics_.Error("E-test-tolerance", b.tolerance->range, "`within` applies only to float outputs");
      }
    }
  }
  if (is_metric_) {
    for (const auto& g : ast_.group_by) {
      if (!seen.count(g.value)) {
        diagnostics_.Error("E-test-missing-group", step.range,
                           "`expect` must name its group: give a value for group key `" + g.value + "`");
      }
    }
  }
}

void DefinitionChecker::CheckLiteralFits(const ast::Literal& lit, CheckedType slot, const std::string& what) {
  CheckedType t = LiteralType(lit);
  if (slot.kind == K::kError) return;
  if (t.kind == K::kNull) {
    if (!slot.nullable) diagnostics_.Error("E-test-null", lit.range, what + " is " + slot.ToString() + " and cannot be null");
    return;
  }
  if (!Assignable(t, slot)) {
    diagnostics_.Error("E-test-type", lit.range, what + " is " + slot.ToString() + ", not " + t.ToString());
  }
}

}  // namespace tally::checking
