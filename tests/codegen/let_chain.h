// A definition of N lets, each using the previous one (what tests/check/let-chain.gen.sh
// writes), compiled by the real front end: the largest kernels a legitimate definition makes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tally/compiler/compiler.h"
#include "tally/support/source_file.h"

namespace tally::codegen::testing {

//   score demo.chain { ... input a : int  let v1 = a  let v2 = v1 + 1 ... output o : int = vN }
inline std::string LetChainSource(int lets) {
  std::string text = "score demo.chain {\n  version 1.0.0\n  owner cx\n  input a : int\n  let v1 = a\n";
  for (int i = 2; i <= lets; ++i) {
    text += "  let v" + std::to_string(i) + " = v" + std::to_string(i - 1) + " + 1\n";
  }
  text += "  output o : int = v" + std::to_string(lets) + "\n}\n";
  return text;
}

// Its ir::Program (o = a + lets - 1, or an overflow trap), or nullopt if it does not compile.
inline std::optional<ir::Program> LetChainProgram(int lets) {
  auto file = std::make_shared<const SourceFile>("chain.tally", LetChainSource(lets));
  CompileResult r = Compile({file});
  if (!r.library) return std::nullopt;
  const ir::Program* p = r.library->Find("demo.chain");
  if (!p) return std::nullopt;
  return *p;
}

}  // namespace tally::codegen::testing
