// The C API over tally::Runtime. Every entry point catches everything: no C++ exception may
// unwind into a C caller.
#include "tally.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <vector>

#include "tally/runtime/runtime.h"

struct tally_runtime {
  tally::Runtime runtime;
};

struct tally_kernel {
  tally::ScoreKernel kernel;
  std::unique_ptr<tally::runtime::StringDictionary> strings;
  std::vector<std::string> reasons;  // ReasonText of status 1..n, built once: reads are thread-safe
};

namespace {

void SetError(char* err, size_t errlen, const std::string& message) {
  if (err == nullptr || errlen == 0) return;
  size_t n = std::min(errlen - 1, message.size());
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

int TypeCode(tally::ir::Type t) { return static_cast<int>(t); }

static_assert(static_cast<int>(tally::ir::Type::kBool) == TALLY_BOOL);
static_assert(static_cast<int>(tally::ir::Type::kInt) == TALLY_INT);
static_assert(static_cast<int>(tally::ir::Type::kFloat) == TALLY_FLOAT);
static_assert(static_cast<int>(tally::ir::Type::kString) == TALLY_STRING);

bool InRange(int i, size_t size) { return i >= 0 && static_cast<size_t>(i) < size; }

}  // namespace

extern "C" {

tally_runtime* tally_runtime_open(const char* metrics_dir, char* err, size_t errlen) {
  try {
    if (metrics_dir == nullptr) {
      SetError(err, errlen, "no metrics folder given");
      return nullptr;
    }
    auto rt = tally::Runtime::Load(metrics_dir);
    if (!rt.ok()) {
      SetError(err, errlen, rt.error().message);
      return nullptr;
    }
    return new tally_runtime{std::move(*rt)};
  } catch (const std::exception& e) {
    SetError(err, errlen, e.what());
    return nullptr;
  } catch (...) {
    SetError(err, errlen, "internal error: an unknown exception");
    return nullptr;
  }
}

void tally_runtime_close(tally_runtime* rt) { delete rt; }

tally_kernel* tally_kernel_get(tally_runtime* rt, const char* name_at_major, char* err,
                               size_t errlen) {
  try {
    if (rt == nullptr || name_at_major == nullptr) {
      SetError(err, errlen, "no runtime or no name given");
      return nullptr;
    }
    auto k = rt->runtime.Kernel(name_at_major);
    if (!k.ok()) {
      SetError(err, errlen, k.error().message);
      return nullptr;
    }
    auto* out = new tally_kernel{std::move(*k), nullptr, {}};
    out->strings = out->kernel.NewDictionary();
    for (size_t i = 1; i <= out->kernel.program().reasons.size(); ++i) {
      out->reasons.push_back(out->kernel.ReasonText(static_cast<uint32_t>(i)));
    }
    return out;
  } catch (const std::exception& e) {
    SetError(err, errlen, e.what());
    return nullptr;
  } catch (...) {
    SetError(err, errlen, "internal error: an unknown exception");
    return nullptr;
  }
}

void tally_kernel_free(tally_kernel* k) { delete k; }

const char* tally_kernel_version(const tally_kernel* k) {
  return k ? k->kernel.program().version.c_str() : nullptr;
}

int tally_kernel_input_count(const tally_kernel* k) {
  return k ? static_cast<int>(k->kernel.program().inputs.size()) : 0;
}

const char* tally_kernel_input_name(const tally_kernel* k, int i) {
  if (!k || !InRange(i, k->kernel.program().inputs.size())) return nullptr;
  return k->kernel.program().inputs[static_cast<size_t>(i)].name.c_str();
}

int tally_kernel_input_type(const tally_kernel* k, int i) {
  if (!k || !InRange(i, k->kernel.program().inputs.size())) return -1;
  return TypeCode(k->kernel.program().inputs[static_cast<size_t>(i)].type);
}

int tally_kernel_input_nullable(const tally_kernel* k, int i) {
  if (!k || !InRange(i, k->kernel.program().inputs.size())) return -1;
  return k->kernel.program().inputs[static_cast<size_t>(i)].nullable ? 1 : 0;
}

int tally_kernel_output_count(const tally_kernel* k) {
  return k ? static_cast<int>(k->kernel.program().outputs.size()) : 0;
}

const char* tally_kernel_output_name(const tally_kernel* k, int i) {
  if (!k || !InRange(i, k->kernel.program().outputs.size())) return nullptr;
  return k->kernel.program().outputs[static_cast<size_t>(i)].name.c_str();
}

int tally_kernel_output_type(const tally_kernel* k, int i) {
  if (!k || !InRange(i, k->kernel.program().outputs.size())) return -1;
  return TypeCode(k->kernel.program().outputs[static_cast<size_t>(i)].type);
}

int32_t tally_kernel_intern(tally_kernel* k, const char* text, size_t len) {
  try {
    if (!k || (text == nullptr && len > 0)) return -1;
    return k->strings->Intern(std::string_view(text == nullptr ? "" : text, len));
  } catch (...) {
    return -1;
  }
}

const char* tally_kernel_string(const tally_kernel* k, int32_t code, size_t* len) {
  if (!k || code < 0 || static_cast<size_t>(code) >= k->strings->size()) return nullptr;
  std::string_view s = k->strings->Get(code);
  if (len) *len = s.size();
  return s.data();  // NUL-terminated: the dictionary holds std::strings
}

void tally_kernel_reset_strings(tally_kernel* k) {
  if (!k) return;
  try {
    k->strings = k->kernel.NewDictionary();
  } catch (...) {
    // Out of memory: the old dictionary stays, so the kernel remains usable.
  }
}

uint16_t tally_kernel_variant(const tally_kernel* k, const char* region) {
  return (k && region) ? k->kernel.VariantOf(region) : 0;
}

int tally_kernel_score(const tally_kernel* k, int64_t rows, const TallyColumnView* inputs,
                       const uint16_t* variants, TallyColumnView* outputs, uint32_t* status,
                       char* err, size_t errlen) {
  try {
    if (!k || (rows > 0 && (!inputs || !outputs || !status))) {
      SetError(err, errlen, "tally_kernel_score: missing argument");
      return 0;
    }
    // A definition with computed strings interns them into the kernel's dictionary
    // (tally_kernel_string reads them like any other code).
    tally::Status st = k->kernel.ScoreBatch(rows, inputs, variants, outputs, status, k->strings.get());
    if (!st.ok()) {
      SetError(err, errlen, st.message());
      return 0;
    }
    return 1;
  } catch (const std::exception& e) {
    SetError(err, errlen, e.what());
    return 0;
  } catch (...) {
    SetError(err, errlen, "internal error: an unknown exception");
    return 0;
  }
}

const char* tally_kernel_reason(const tally_kernel* k, uint32_t status) {
  if (!k || status == 0 || status > k->reasons.size()) return nullptr;
  return k->reasons[status - 1].c_str();
}

int tally_kernel_score_file(const tally_kernel* k, const char* input_path,
                            const char* output_path, const char* rejects_path,
                            char* summary_json, size_t summary_len, char* err, size_t errlen) {
  try {
    if (!k || !input_path || !output_path) {
      SetError(err, errlen, "tally_kernel_score_file: missing argument");
      return 0;
    }
    tally::runtime::ScoreOptions options;
    options.input_path = input_path;
    options.output_path = output_path;
    if (rejects_path) options.rejects_path = rejects_path;
    options.progress = tally::runtime::ProgressMode::kNever;
    options.lineage = tally::runtime::LineageFacts{};
    auto summary = k->kernel.ScoreFile(options);
    if (!summary.ok()) {
      SetError(err, errlen, summary.error().message);
      return 0;
    }
    SetError(summary_json, summary_len, summary->ToJson());
    return 1;
  } catch (const std::exception& e) {
    SetError(err, errlen, e.what());
    return 0;
  } catch (...) {
    SetError(err, errlen, "internal error: an unknown exception");
    return 0;
  }
}

}  // extern "C"
