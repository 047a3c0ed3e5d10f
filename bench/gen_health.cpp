// Deterministic generator of the end-to-end health workload (docs/performance.md, "End to end").
//
//   gen_health ROWS OUT.csv [SEED]
//
// Writes a CSV with a header and ROWS rows of the 7 inputs of `customer.health` plus one
// column no definition reads (`segment`): about 49 bytes a row, so 10,000,000 rows are
// about 490 MB. The same ROWS and SEED always give the same bytes.
//   - logins_30d, logins_prev_30d: 0..60 (about 3% of prev are 0, the `max(prev, 1)` guard);
//   - open_tickets: 0..14, and about 0.1% negative (rows the `require` rejects);
//   - nps: -100..100, about 5% empty (null), about 10% with one decimal;
//   - arr: 1,000..200,000 with two decimals (about three quarters above the 50,000 at-risk bound);
//   - region: na, emea, apac, latam (emea about a quarter, so its override matters).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); the modulo bias is irrelevant here and deterministic anyway.
  uint64_t Below(uint64_t n) { return Next() % n; }
};

char* AppendUint(char* p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

char* AppendInt(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return AppendUint(p, static_cast<uint64_t>(-v));
  }
  return AppendUint(p, static_cast<uint64_t>(v));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ROWS OUT.csv [SEED]\n", argv[0]);
    return 2;
  }
  char* end = nullptr;
  long long rows = std::strtoll(argv[1], &end, 10);
  if (*end != '\0' || rows < 0) {
    std::fprintf(stderr, "bad ROWS: %s\n", argv[1]);
    return 2;
  }
  uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20261123;
  std::FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  static const char* const kRegions[] = {"na", "emea", "apac", "latam"};
  static const char* const kSegments[] = {"smb", "mid-market", "enterprise"};
  SplitMix64 rng{seed};

  std::string buffer;
  buffer.reserve(1 << 20);
  buffer = "account_id,logins_30d,logins_prev_30d,open_tickets,nps,arr,region,segment\n";
  char line[256];
  for (long long i = 0; i < rows; ++i) {
    char* p = line;
    // account_id: "acct_" + 9 digits, zero-padded.
    std::memcpy(p, "acct_", 5);
    p += 5;
    char digits[9];
    uint64_t id = static_cast<uint64_t>(i) + 1;
    for (int d = 8; d >= 0; --d) {
      digits[d] = static_cast<char>('0' + id % 10);
      id /= 10;
    }
    std::memcpy(p, digits, 9);
    p += 9;
    *p++ = ',';
    p = AppendUint(p, rng.Below(61));
    *p++ = ',';
    p = AppendUint(p, rng.Below(100) < 3 ? 0 : rng.Below(61));
    *p++ = ',';
    int64_t tickets = rng.Below(1000) == 0 ? -1 - static_cast<int64_t>(rng.Below(3))
                                           : static_cast<int64_t>(rng.Below(15));
    p = AppendInt(p, tickets);
    *p++ = ',';
    uint64_t nps_kind = rng.Below(100);
    if (nps_kind >= 5) {  // 5% null: an empty field
      int64_t nps = static_cast<int64_t>(rng.Below(201)) - 100;
      p = AppendInt(p, nps);
      if (nps_kind >= 90 && nps > -100 && nps < 100) {  // one decimal
        *p++ = '.';
        *p++ = static_cast<char>('1' + rng.Below(9));
      }
    }
    *p++ = ',';
    uint64_t cents = 100000 + rng.Below(19900001);  // 1,000.00 .. 200,000.00
    p = AppendUint(p, cents / 100);
    *p++ = '.';
    *p++ = static_cast<char>('0' + cents / 10 % 10);
    *p++ = static_cast<char>('0' + cents % 10);
    *p++ = ',';
    const char* region = kRegions[rng.Below(4)];
    size_t rl = std::strlen(region);
    std::memcpy(p, region, rl);
    p += rl;
    *p++ = ',';
    const char* segment = kSegments[rng.Below(3)];
    size_t sl = std::strlen(segment);
    std::memcpy(p, segment, sl);
    p += sl;
    *p++ = '\n';
    buffer.append(line, p);
    if (buffer.size() >= (1u << 20) - 256) {
      if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) {
        std::perror(argv[2]);
        return 1;
      }
      buffer.clear();
    }
  }
  if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size() || std::fclose(out) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  return 0;
}
