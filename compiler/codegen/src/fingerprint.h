// A canonical, lossless text of an ir::Program (every field; doubles by their bits), so two
// programs share a cache entry only when they are the same program. Unlike
// Program::ToString() (made for people), nothing is rounded or left out.
#pragma once

#include <string>

#include "tally/compiler/ir.h"

namespace tally::codegen {

std::string Fingerprint(const ir::Program& program);

}  // namespace tally::codegen
