// CSV records -> typed columnar batches for one program (the field rules: value_parse.h).
//
// A record that is malformed or has a field that does not parse becomes a RejectRecord of
// its batch (the first problem of the row, with its column), so every record read is either
// a row of some batch or a reject, in input order.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "tally/compiler/ir.h"
#include "tally/runtime/binding.h"
#include "tally/runtime/column.h"
#include "tally/runtime/csv_reader.h"

namespace tally::runtime {

enum class DictionaryScope {
  // A fresh dictionary per batch: memory stays bounded however many distinct keys a file
  // has. Right for scores, where codes are compared only within a row.
  kPerBatch,
  // One dictionary for the whole run: metrics group rows of many batches by code.
  kPerRun,
  // The first pass of a score with window aggregates (ir::Program::windows): one dictionary
  // for the run holding only the strings some window program reads. A string input that no
  // window reads is checked as always but not stored (code 0, never read), so a key column
  // of ten million distinct ids costs no memory in that pass.
  kWindowPass,
};

class BatchBuilder {
 public:
  BatchBuilder(const ir::Program& program, Binding binding, int64_t batch_rows,
               DictionaryScope scope);

  void Add(const CsvRecord& record);
  // Reads records from `reader` (whose header was read) until the batch is full or the input
  // ends; false at the end of the input. Plain records (no quotes, one line, values that
  // parse) go straight from the reader's buffer into the columns; every other record goes
  // through Next() and Add(), so rows, rejects and their numbers are the same either way.
  Result<bool> ReadFrom(CsvReader& reader);
  // Counted in records, not parsed rows, so a stretch of rejects cannot grow a batch unbounded.
  bool full() const { return batch_.records >= batch_rows_; }
  int64_t records() const { return batch_.records; }
  // Records parsed by ReadFrom's plain path so far (the rest went through Add).
  int64_t plain_records() const { return plain_records_; }
  // Hands over the batch built so far and starts the next one.
  InputBatch Take(int64_t bytes_read = 0);

  // Gives a consumed batch's memory back for the next batches (callable from any thread):
  // columns are refilled in place instead of allocated and faulted in again.
  void Recycle(InputBatch&& batch);

  // The run-wide dictionary (kPerRun), or the current batch's.
  std::shared_ptr<StringDictionary> dictionary() const { return dictionary_; }

 private:
  // Per-batch dictionaries come back here when their batch is done, so their memory is
  // reused rather than allocated and faulted in again for every batch.
  struct DictionaryPool;
  std::shared_ptr<StringDictionary> AcquireDictionary();
  void Start();
  // Sizes every per-row vector of the batch to `rows` entries (never more than batch_rows_):
  // batches grow as records arrive, so a small input never pays for a full-size batch.
  void Resize(size_t rows);
  void EnsureRoom();
  // Parses plain records from reader.Buffered() until the batch is full or a record needs
  // the general path; tells the reader how many it took.
  void AddPlain(CsvReader& reader);
  // One plain record's fields (begin, end); false if a value does not parse or is missing:
  // the general path then reads the record again and reports why.
  bool AddPlainRow(const char* const* bounds, int64_t row, int64_t line);
  void Reject(const CsvRecord& record, int32_t field, std::string reason);

  const ir::Program& program_;
  Binding binding_;
  int64_t batch_rows_;
  DictionaryScope scope_;
  bool has_variants_;
  // Per string input, how its text becomes a code (kIntern, or for a string no instruction
  // reads, kAppend: not deduplicated; kDrop: not stored, code 0).
  enum StringStore : uint8_t { kIntern = 0, kAppend = 1, kDrop = 2 };
  std::vector<uint8_t> opaque_;
  bool has_opaque_ = false;
  std::shared_ptr<DictionaryPool> pool_;
  std::mutex recycled_mu_;
  std::vector<InputBatch> recycled_;
  std::shared_ptr<StringDictionary> dictionary_;
  InputBatch batch_;
  size_t room_ = 0;
  int64_t plain_records_ = 0;  // entries in the batch's per-row vectors
  std::string reason_;
  CsvRecord record_;                       // scratch for the general path
  std::vector<const char*> plain_bounds_;  // per field: begin, end
  // Inputs in the order the plain path fills them: strings last, so a value that fails to
  // parse is found before anything is stored in the dictionary.
  std::vector<uint32_t> plain_order_;
};

}  // namespace tally::runtime
