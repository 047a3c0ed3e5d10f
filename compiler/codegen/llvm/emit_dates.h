// The compiled bodies of the date ops (ir.h): Hinnant's civil_from_days / days_from_civil
// as the same int64 steps tally/support/civil_date.h takes in the interpreter, signed
// division by constants (truncating, as C++ does), so both engines agree bit for bit.
#pragma once

#include "llvm/IR/IRBuilder.h"

namespace tally::codegen {

struct CivilValues {
  llvm::Value* year;
  llvm::Value* month;
  llvm::Value* day;
};

// Year, month (1..12) and day (1..31) of `days` since 1970-01-01 (an i64 in range).
CivilValues EmitCivilFromDays(llvm::IRBuilder<>& b, llvm::Value* days);
// Days since 1970-01-01 of year y, month m, day d (i64 each, a valid date).
llvm::Value* EmitDaysFromCivil(llvm::IRBuilder<>& b, llvm::Value* y, llvm::Value* m, llvm::Value* d);
// ISO weekday, Monday = 1 ... Sunday = 7.
llvm::Value* EmitDayOfWeek(llvm::IRBuilder<>& b, llvm::Value* days);

}  // namespace tally::codegen
