// libFuzzer target for the lineage-record reader (runtime::ParseLineageRecord): any bytes in
// as OUT.csv.lineage.json, the file `tally trace` starts from.
//
// The reader must never crash or let an exception out; a refusal names the file ("not a
// lineage record"); and a record it accepts must survive being written back: LineageJson of
// it reads back as the same record, with the same signing bytes (a signature made over one
// must verify over the other), and CompareLineageRecords finds no difference between them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tally/runtime/lineage.h"

#include "fuzz_check.h"

namespace {

constexpr const char* kSource = "out.csv.lineage.json";

tally::Result<tally::runtime::LineageRecord> Parse(std::string_view text) {
  try {
    return tally::runtime::ParseLineageRecord(text, kSource);
  } catch (...) {
    std::fprintf(stderr, "lineage_fuzzer: ParseLineageRecord let an exception out\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = Parse(text);
  if (!record.ok()) {
    FUZZ_CHECK(record.error().message.starts_with(std::string(kSource) + ": not a lineage record: "));
    return 0;
  }
  const std::string written = tally::runtime::LineageJson(*record);
  auto again = Parse(written);
  if (!again.ok()) {
    std::fprintf(stderr, "lineage_fuzzer: a written record does not read back: %s\n", again.error().message.c_str());
    std::abort();
  }
  FUZZ_CHECK(*again == *record);
  FUZZ_CHECK(tally::runtime::LineageJson(*again) == written);
  FUZZ_CHECK(tally::runtime::LineageSigningBytes(*again) == tally::runtime::LineageSigningBytes(*record));
  FUZZ_CHECK(tally::runtime::CompareLineageRecords(*record, *again).empty());
  return 0;
}
