// The LANGUAGE.md customer.health score as a hand-built ir::Program (what the lowering
// produces for it, written out), with inputs in the order
//   logins_30d int, logins_prev_30d int, open_tickets int, nps float?, arr float.
// Shared by the tests and the benchmark.
#pragma once

#include "program_builder.h"

namespace tally::codegen::testing {

inline ir::Program HealthScoreProgram() {
  ProgramBuilder b(ir::Program::Kind::kScore, "customer.health");
  ValueId logins = b.Input("logins_30d", Type::kInt, false);
  ValueId prev = b.Input("logins_prev_30d", Type::kInt, false);
  ValueId tickets = b.Input("open_tickets", Type::kInt, false);
  ValueId nps = b.Input("nps", Type::kFloat, true);
  ValueId arr = b.Input("arr", Type::kFloat, false);
  ValueId weight = b.Param("engagement_weight", Type::kFloat, {}, {0.5});
  ValueId at_risk_below = b.Param("at_risk_below", Type::kFloat, {}, {40.0});
  b.Require(b.Apply(Op::kGe, Type::kBool, {tickets, b.Int(0)}), "require open_tickets >= 0");
  auto f = [&](ValueId i) { return b.Apply(Op::kIntToFloat, Type::kFloat, {i}); };
  // engagement = clamp(logins / max(prev, 1), 0, 2) / 2
  ValueId ratio = b.Apply(Op::kDiv, Type::kFloat, {f(logins), f(b.Apply(Op::kMax, Type::kInt, {prev, b.Int(1)}))});
  ValueId clamped = b.Apply(Op::kMin, Type::kFloat, {b.Apply(Op::kMax, Type::kFloat, {ratio, b.Float(0)}), b.Float(2)});
  ValueId engagement = b.Apply(Op::kDiv, Type::kFloat, {clamped, b.Float(2)});
  // support = 1 - min(tickets, 10) / 10
  ValueId support = b.Apply(Op::kSub, Type::kFloat,
                            {b.Float(1), b.Apply(Op::kDiv, Type::kFloat,
                                                 {f(b.Apply(Op::kMin, Type::kInt, {tickets, b.Int(10)})), b.Float(10)})});
  // sentiment = coalesce((nps + 100) / 200, 0.5)
  ValueId sentiment = b.Apply(
      Op::kCoalesce, Type::kFloat,
      {b.Apply(Op::kDiv, Type::kFloat, {b.Apply(Op::kAdd, Type::kFloat, {nps, b.Float(100)}), b.Float(200)}), b.Float(0.5)});
  ValueId sum = b.Apply(Op::kAdd, Type::kFloat,
                        {b.Apply(Op::kAdd, Type::kFloat,
                                 {b.Apply(Op::kMul, Type::kFloat, {weight, engagement}),
                                  b.Apply(Op::kMul, Type::kFloat, {b.Float(0.3), support})}),
                         b.Apply(Op::kMul, Type::kFloat, {b.Float(0.2), sentiment})});
  ValueId score = b.Apply(Op::kRound, Type::kFloat, {b.Apply(Op::kMul, Type::kFloat, {b.Float(100), sum})}, 1);
  b.Output("score", score);
  ValueId green = b.String("green");
  ValueId amber = b.String("amber");
  ValueId red = b.String("red");
  ValueId tier = b.Apply(Op::kSelect, Type::kString,
                         {b.Apply(Op::kGe, Type::kBool, {score, b.Float(70)}), green,
                          b.Apply(Op::kSelect, Type::kString, {b.Apply(Op::kGe, Type::kBool, {score, b.Float(40)}), amber, red})});
  b.Output("tier", tier);
  b.Output("at_risk", b.Apply(Op::kAnd, Type::kBool,
                              {b.Apply(Op::kLt, Type::kBool, {score, at_risk_below}),
                               b.Apply(Op::kGt, Type::kBool, {arr, b.Float(50000)})}));
  // The checker proves these divisors non-zero: the quotients are not nullable.
  ir::Program p = b.program();
  for (ir::Instruction& ins : p.row_code) {
    if (ins.op == Op::kDiv) ins.nullable = p.row_code[ins.args[0]].nullable;
  }
  for (ir::Output& o : p.outputs) o.nullable = p.row_code[o.value].nullable;
  return p;
}

}  // namespace tally::codegen::testing
