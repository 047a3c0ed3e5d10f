/* An FFI-style pipeline in plain C: score three accounts with customer.health@1 through
 * tally.h, check the results worked out by hand, then score a file.
 * Usage: tally_c_api_example METRICS_DIR [SCRATCH_DIR]. Exit 0 when everything matches. */
#include <stdio.h>
#include <string.h>

#include "tally.h"

#define ROWS 4

static int failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "MISMATCH: %s\n", what);
    ++failures;
  }
}

static int find_input(const tally_kernel* k, const char* name) {
  for (int i = 0; i < tally_kernel_input_count(k); ++i) {
    if (strcmp(tally_kernel_input_name(k, i), name) == 0) return i;
  }
  return -1;
}

int main(int argc, char** argv) {
  char err[4096];
  if (argc < 2) {
    fprintf(stderr, "usage: %s METRICS_DIR [SCRATCH_DIR]\n", argv[0]);
    return 2;
  }
  tally_runtime* rt = tally_runtime_open(argv[1], err, sizeof err);
  if (!rt) {
    fprintf(stderr, "tally_runtime_open: %s\n", err);
    return 1;
  }
  check(tally_kernel_get(rt, "customer.health@9", err, sizeof err) == NULL, "@9 must not load");
  printf("expected error: %s\n", err);

  tally_kernel* k = tally_kernel_get(rt, "customer.health@1", err, sizeof err);
  if (!k) {
    fprintf(stderr, "tally_kernel_get: %s\n", err);
    return 1;
  }
  printf("customer.health %s: %d inputs, %d outputs\n", tally_kernel_version(k),
         tally_kernel_input_count(k), tally_kernel_output_count(k));

  /* Rows: a1 steady in emea; a6 and a5 the same weak account in emea and na; a7 breaks
   * `require open_tickets >= 0`. */
  const char* ids[ROWS] = {"a1", "a6", "a5", "a7"};
  const char* regions[ROWS] = {"emea", "emea", "na", "na"};
  int64_t logins[ROWS] = {30, 0, 0, 1};
  int64_t logins_prev[ROWS] = {30, 20, 20, 1};
  int64_t tickets[ROWS] = {0, 0, 0, -1};
  double nps[ROWS] = {50, -40, -40, 0};
  uint8_t nps_valid[ROWS] = {1, 1, 1, 0};
  double arr[ROWS] = {1000, 60000, 60000, 1};
  int32_t id_codes[ROWS], region_codes[ROWS];
  uint16_t variants[ROWS];
  for (int r = 0; r < ROWS; ++r) {
    id_codes[r] = tally_kernel_intern(k, ids[r], strlen(ids[r]));
    region_codes[r] = tally_kernel_intern(k, regions[r], strlen(regions[r]));
    variants[r] = tally_kernel_variant(k, regions[r]);
  }

  TallyColumnView inputs[16];
  int n_inputs = tally_kernel_input_count(k);
  if (n_inputs > 16) return 1;
  memset(inputs, 0, sizeof inputs);
  struct { const char* name; void* values; uint8_t* valid; } bind[] = {
      {"account_id", id_codes, NULL}, {"logins_30d", logins, NULL},
      {"logins_prev_30d", logins_prev, NULL}, {"open_tickets", tickets, NULL},
      {"nps", nps, nps_valid}, {"arr", arr, NULL}, {"region", region_codes, NULL}};
  for (size_t b = 0; b < sizeof bind / sizeof bind[0]; ++b) {
    int i = find_input(k, bind[b].name);
    check(i >= 0, bind[b].name);
    if (i < 0) return 1;
    inputs[i].values = bind[b].values;
    inputs[i].valid = bind[b].valid;
  }

  double score[ROWS];
  int32_t tier[ROWS];
  uint8_t at_risk[ROWS];
  uint8_t valid[3][ROWS];
  TallyColumnView outputs[3] = {{score, valid[0]}, {tier, valid[1]}, {at_risk, valid[2]}};
  check(tally_kernel_output_count(k) == 3, "3 outputs");
  check(strcmp(tally_kernel_output_name(k, 1), "tier") == 0, "output 1 is tier");
  check(tally_kernel_output_type(k, 1) == TALLY_STRING, "tier is a string");
  uint32_t status[ROWS];
  if (!tally_kernel_score(k, ROWS, inputs, variants, outputs, status, err, sizeof err)) {
    fprintf(stderr, "tally_kernel_score: %s\n", err);
    return 1;
  }
  /* By hand: a1 = 100 * (0.5*0.5 + 0.3 + 0.2*0.75) = 70; a6, a5 = 100 * (0.3 + 0.2*0.3) = 36,
   * at risk only under the global threshold 40 (emea's is 35). */
  const double want_score[3] = {70.0, 36.0, 36.0};
  const char* want_tier[3] = {"green", "red", "red"};
  const uint8_t want_risk[3] = {0, 0, 1};
  for (int r = 0; r < 3; ++r) {
    size_t len = 0;
    const char* t = tally_kernel_string(k, tier[r], &len);
    printf("%s: status %u score %g tier %s at_risk %s\n", ids[r], status[r], score[r],
           t ? t : "?", at_risk[r] ? "true" : "false");
    check(status[r] == 0, "scored");
    check(score[r] == want_score[r], "score");
    check(t != NULL && strcmp(t, want_tier[r]) == 0, "tier");
    check(at_risk[r] == want_risk[r], "at_risk");
  }
  const char* why = tally_kernel_reason(k, status[3]);
  printf("a7: status %u: %s\n", status[3], why ? why : "(none)");
  check(status[3] != 0, "a7 rejected");
  check(why != NULL && strstr(why, "require open_tickets >= 0") != NULL, "a7 reason");

  if (argc > 2) {
    char in_path[1024], out_path[1024], summary[8192];
    snprintf(in_path, sizeof in_path, "%s/c_api_in.csv", argv[2]);
    snprintf(out_path, sizeof out_path, "%s/c_api_out.csv", argv[2]);
    FILE* f = fopen(in_path, "w");
    if (!f) return 1;
    fputs("account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region\n"
          "a1,30,30,0,50,1000,emea\n", f);
    fclose(f);
    if (!tally_kernel_score_file(k, in_path, out_path, NULL, summary, sizeof summary, err,
                                 sizeof err)) {
      fprintf(stderr, "tally_kernel_score_file: %s\n", err);
      return 1;
    }
    char line[256] = {0};
    f = fopen(out_path, "r");
    if (!f) return 1;
    check(fgets(line, sizeof line, f) != NULL, "header");
    check(strcmp(line, "account_id,score,tier,at_risk\n") == 0, "header text");
    check(fgets(line, sizeof line, f) != NULL, "row");
    check(strcmp(line, "a1,70,green,false\n") == 0, "row text");
    fclose(f);
    check(strstr(summary, "\"rows_scored\": 1") != NULL, "summary");
  }

  tally_kernel_free(k);
  tally_runtime_close(rt);
  printf(failures ? "FAILED\n" : "OK\n");
  return failures ? 1 : 0;
}
