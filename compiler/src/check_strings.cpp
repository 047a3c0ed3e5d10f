// The checker, string functions: lower, upper, trim, length, starts_with, ends_with,
// contains, substr, concat, typed by their op's row in the table of ops.
#include <algorithm>

#include "checker_internal.h"
#include "tally/compiler/ir_ops.h"

namespace tally::checking {

CheckedType DefinitionChecker::CheckStringCall(const ast::Expr& e, const FunctionSpec& f,
                                               const std::vector<CheckedType>& args) {
  bool nullable = std::any_of(args.begin(), args.end(), [](auto t) { return t.nullable; });
  const ir::OpInfo& op = ir::InfoOf(f.op);
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool wants_int = op.operands == ir::OpInfo::Operands::kStringIntInt && i > 0;
    const K want = wants_int ? K::kInt : K::kString;
    if (args[i].kind == want || args[i].kind == K::kNull) continue;
    std::string hint = std::string("usage: ") + f.signature;
    if (!wants_int && (args[i].IsNumeric() || args[i].kind == K::kDate || args[i].kind == K::kBool)) {
      hint += "; a number, date or bool is not converted to text implicitly";
    }
    diagnostics_.Error("E-type-mismatch", e.args[i]->range,
                       "`" + e.name + "` needs " + (wants_int ? "an int" : "a string") + " as argument " +
                           std::to_string(i + 1) + ", not " + args[i].ToString(),
                       hint);
    ok = false;
  }
  if (!ok) return ErrorType();
  switch (op.result) {
    case ir::OpInfo::Result::kInt: return Make(K::kInt, nullable);
    case ir::OpInfo::Result::kBool: return Make(K::kBool, nullable);
    default: return Make(K::kString, nullable);
  }
}

}  // namespace tally::checking
