// Whether two versions of a definition provably compute the same thing, from their
// normalised IR (after ir::Optimize) — a proof, not a sample. Governance uses it to decide
// a version bump; the compiler knows nothing of versions.
//
// The method is sound and deliberately incomplete: an empty result proves that, on every
// row the old version scores, the new one scores it too and gives every output the old one
// also has (same name and type) the same value and null-ness; and that it rejects no row the
// old version scored and scores no row the old version rejected (reject messages may differ).
// A non-empty result only says no proof was found.
//
// How: every instruction of both programs gets a structural class by hash-consing — op,
// type, immediates and the classes of its operands, with inputs named (not indexed), params
// as their value per region, string constants as their text. So let names, let order,
// spacing and anything the passes fold or merge disappear. Operands of the ops that are
// exactly commutative in ir.h (add, mul, eq, ne, and, or; min and max on ints) are sorted,
// and `a > b` is `b < a` (no NaN ever exists). Nothing else (no associativity: float
// addition and trap points are not associative). Trap ids and reason texts are not compared
// (they only choose the message of a rejected row).
// Rows: the set of require classes must be equal, and an output or aggregate that only one
// version has must not be able to reject a row the other scores: each instruction in it
// that can trap either has a class whose error the other version always checks, or is
// proven unable to trap by interval arithmetic over the input types and param values.
// A new sum/avg/weighted_avg aggregate is never proven (its total depends on the rows).
#pragma once

#include <string>
#include <vector>

#include "tally/compiler/ir.h"

namespace tally::ir {

// One line per finding, e.g. "output score: its normalised computation differs".
// Empty: proven to compute the same values for the outputs both versions share, over the
// same rows. Outputs whose name or type differ are not compared (the interface says so).
std::vector<std::string> CompareComputations(const Program& before, const Program& after);

}  // namespace tally::ir
