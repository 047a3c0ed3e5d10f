/* The calling convention shared by the reference interpreter and JIT-compiled kernels.
 * Plain C so the C API (runtime/include/tally.h) can expose it unchanged.
 *
 * A batch is columnar: one TallyColumnView per column, Arrow-like but with one validity
 * byte per row (simpler to vectorize than bits). Physical types:
 *   bool -> uint8_t (0/1), int -> int64_t, float -> double, string -> int32_t dictionary code,
 *   date -> int64_t days since 1970-01-01 (numpy datetime64[D]; always within 0001-01-01 ..
 *   9999-12-31: a caller must not pass a day outside it, as ir.h's date ops assume it).
 * `valid` may be NULL for an input column with no nulls in the batch; output columns always
 * have a `valid` array (the caller allocates both arrays for `rows` rows). For an input the
 * program declares non-nullable, `valid` is never read: the caller guarantees every value
 * (the runtime rejects a row with a missing required value before any kernel runs).
 *
 * A score with window aggregates (ir.h kWindow) reads one more column per window value after
 * its inputs: inputs[program.inputs.size() + w] holds window value w for each row (with a
 * `valid` array when it is nullable), filled by the runtime from its first pass.
 *
 * Score kernel: for each row r, computes every output and status[r]:
 *   0 = scored; k > 0 = not scored, for reason program.reasons[k-1] (see ir.h).
 * Outputs of a row with status != 0 are unspecified.
 *
 * Metric kernels come in two halves around a generic, order-preserving group-by:
 *   row kernel:      per row, the argument of every aggregate (and the weight of weighted
 *                    averages) into `aggregate_args`, and status[r] as above;
 *   finalize kernel: per group, from aggregate results and group key columns to outputs.
 */
#ifndef TALLY_COMPILER_KERNEL_ABI_H_
#define TALLY_COMPILER_KERNEL_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TallyColumnView {
  void* values;
  uint8_t* valid;
} TallyColumnView;

/* variants[r] selects the param values of row r (0 = global); NULL means all rows are 0. */
typedef void (*TallyScoreKernelFn)(int64_t rows, const TallyColumnView* inputs,
                                   const uint16_t* variants, TallyColumnView* outputs,
                                   uint32_t* status);

/* aggregate_args has one view per aggregate argument slot: for aggregate i, slot 2*i is its
 * argument (unused for count()) and slot 2*i+1 its weight (weighted avg only). */
typedef void (*TallyMetricRowKernelFn)(int64_t rows, const TallyColumnView* inputs,
                                       const uint16_t* variants, TallyColumnView* aggregate_args,
                                       uint32_t* status);

/* groups rows: aggregates[i] holds aggregate i's result per group, group_keys[j] the j-th key. */
/* status[g] != 0 means group g's outputs could not be computed (an overflow): a run error. */
typedef void (*TallyMetricFinalizeKernelFn)(int64_t groups, const TallyColumnView* aggregates,
                                            const TallyColumnView* group_keys,
                                            TallyColumnView* outputs, uint32_t* status);

/* Computed strings (ir.h's string ops: lower, substr, concat, length, ...). A program whose
 * code uses them (ir::UsesStringCalls) reads one more column view past the ones above: in a
 * score or row kernel inputs[program.inputs.size() + program.window_values.size()] (window
 * values, for a score that has them, come first), in a finalize kernel
 * group_keys[program.group_keys.size()]; its `values` points to a TallyStringCalls (its
 * `valid` is not read). The kernel calls `call(self, op, a, b, c)` with op = the ir::Op
 * number and the operand payloads (string codes as int64, unused operands 0), only for rows
 * whose operands are all valid, and takes the result payload (a string code, an int, or a
 * bool as 0/1). The callee interns result strings into the dictionary the batch's codes come
 * from, so it must be that dictionary's only writer during the call. */
typedef struct TallyStringCalls {
  void* self;
  int64_t (*call)(void* self, uint32_t op, int64_t a, int64_t b, int64_t c);
} TallyStringCalls;

#ifdef __cplusplus
}
#endif

#endif  /* TALLY_COMPILER_KERNEL_ABI_H_ */
