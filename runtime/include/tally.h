/* Tally's C API: score batches from any language with a C FFI (Python ctypes, Go cgo, Rust).
 *
 *   tally_runtime* rt = tally_runtime_open("metrics", err, sizeof err);
 *   tally_kernel*  k  = tally_kernel_get(rt, "customer.health@1", err, sizeof err);
 *   ... fill one TallyColumnView per input (kernel_abi.h), codes from tally_kernel_intern ...
 *   tally_kernel_score(k, rows, inputs, variants, outputs, status, err, sizeof err);
 *
 * Every function that can fail returns 0 / NULL on failure and, when `err` is not NULL,
 * writes a NUL-terminated message of at most `errlen` bytes. No function throws or aborts on
 * bad input. A kernel must not be used after its runtime is closed. Scoring with one kernel
 * from several threads is safe; interning strings is not (use one kernel per thread, or lock).
 */
#ifndef TALLY_H_
#define TALLY_H_

#include <stddef.h>
#include <stdint.h>

#include "tally/compiler/kernel_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tally_runtime tally_runtime;
typedef struct tally_kernel tally_kernel;

/* Physical types (kernel_abi.h): bool uint8_t, int int64_t, float double, string int32_t. */
enum { TALLY_BOOL = 0, TALLY_INT = 1, TALLY_FLOAT = 2, TALLY_STRING = 3 };

/* Compiles every *.tally file under `metrics_dir`. */
tally_runtime* tally_runtime_open(const char* metrics_dir, char* err, size_t errlen);
void tally_runtime_close(tally_runtime* rt);

/* "name" or "name@MAJOR". */
tally_kernel* tally_kernel_get(tally_runtime* rt, const char* name_at_major, char* err,
                               size_t errlen);
void tally_kernel_free(tally_kernel* k);

const char* tally_kernel_version(const tally_kernel* k);
int tally_kernel_input_count(const tally_kernel* k);
const char* tally_kernel_input_name(const tally_kernel* k, int i);
int tally_kernel_input_type(const tally_kernel* k, int i);
int tally_kernel_input_nullable(const tally_kernel* k, int i);
int tally_kernel_output_count(const tally_kernel* k);
const char* tally_kernel_output_name(const tally_kernel* k, int i);
int tally_kernel_output_type(const tally_kernel* k, int i);

/* The dictionary code of a string value (adds it when new). The kernel's dictionary grows
 * with every distinct string: call tally_kernel_reset_strings between batches to bound it. */
int32_t tally_kernel_intern(tally_kernel* k, const char* text, size_t len);
/* The text of a code (valid until the next reset); NULL for an unknown code. */
const char* tally_kernel_string(const tally_kernel* k, int32_t code, size_t* len);
void tally_kernel_reset_strings(tally_kernel* k);
/* The variant for a row's region value (0: global parameter values). */
uint16_t tally_kernel_variant(const tally_kernel* k, const char* region);

/* Scores `rows` rows: see kernel_abi.h for views and status. variants may be NULL. */
int tally_kernel_score(const tally_kernel* k, int64_t rows, const TallyColumnView* inputs,
                       const uint16_t* variants, TallyColumnView* outputs, uint32_t* status,
                       char* err, size_t errlen);
/* Why a row with status > 0 was rejected; valid while the kernel lives. */
const char* tally_kernel_reason(const tally_kernel* k, uint32_t status);

/* `tally score` on files; rejects_path may be NULL. On success writes the run summary as
 * JSON into summary_json (if not NULL, truncated to summary_len) and returns 1. */
int tally_kernel_score_file(const tally_kernel* k, const char* input_path,
                            const char* output_path, const char* rejects_path,
                            char* summary_json, size_t summary_len, char* err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* TALLY_H_ */
