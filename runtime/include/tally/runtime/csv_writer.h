// Values -> CSV text, deterministic to the byte:
//   float  shortest text that reads back to the same double (std::to_chars); -0 as 0;
//   int    decimal; bool true / false;
//   string quoted when it holds the delimiter, a quote, CR or LF, or is empty ("" is the
//          empty string, so it reads back differently from null);
//   null   an empty field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/compiler/kernel_abi.h"
#include "tally/runtime/string_dictionary.h"

namespace tally::runtime {

void AppendCsvText(std::string& out, std::string_view text);
// False (nothing appended) for NaN or infinity: they must never reach an output.
bool AppendFloat(std::string& out, double value);
void AppendInt(std::string& out, int64_t value);

// The same texts written at a raw position with room for them (the output path of a score
// writes a whole batch into one buffer); each returns the end of what it wrote.
inline constexpr size_t kMaxNumberChars = 32;  // room WriteFloat and WriteInt may need
// nullptr (nothing written) for NaN or infinity. A value that is exactly the double nearest
// to k / 10^s (s <= 3, |value| < 1e5, as round(x, 1) gives) is printed from k without
// std::to_chars; the text is the same (proved in csv_writer.cpp, tested against to_chars).
char* WriteFloat(char* out, double value);
char* WriteInt(char* out, int64_t value);
// Room needed: 2 + 2 * text.size().
char* WriteCsvText(char* out, std::string_view text);

// Row `row` of `column` (physical type of `type`). False when the value cannot be written
// honestly: a non-finite float or a string code the dictionary does not hold.
bool AppendValue(std::string& out, ir::Type type, const TallyColumnView& column, int64_t row,
                 const StringDictionary& strings);

// A header line (names quoted as needed), ending in LF.
std::string HeaderLine(const std::vector<std::string>& names);

}  // namespace tally::runtime
