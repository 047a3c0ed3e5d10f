// Finding CSV's special bytes (delimiter, quote, CR, LF) 64 bytes at a time: one bit per
// byte, walked with count-trailing-zeros, so a record's fields are split with a few
// instructions per field instead of a test per byte. Private to the runtime (BatchBuilder's
// plain-record path); the general RFC 4180 path stays in CsvReader.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tally::runtime {

class SpecialScanner {
 public:
  // Scans [begin, end). Blocks are only ever read whole, so the last < 64 bytes are never
  // scanned: Next() then returns nullptr and the caller hands over to the general path.
  SpecialScanner(const char* begin, const char* end, char delimiter)
      : base_(begin), end_(end), delimiter_(delimiter) {
#if defined(__SSE2__)
    delim_ = _mm_set1_epi8(delimiter);
    quote_ = _mm_set1_epi8('"');
    cr_ = _mm_set1_epi8('\r');
    lf_ = _mm_set1_epi8('\n');
#endif
    if (Whole()) bits_ = Mask(base_);
  }

  // The next special byte, in order; nullptr when it lies beyond the last whole block.
  const char* Next() {
    while (bits_ == 0) {
      base_ += 64;
      if (!Whole()) return nullptr;
      bits_ = Mask(base_);
    }
    const char* p = base_ + __builtin_ctzll(bits_);
    bits_ &= bits_ - 1;
    return p;
  }

 private:
  bool Whole() const { return end_ - base_ >= 64; }

  uint64_t Mask(const char* p) const {
#if defined(__SSE2__)
    uint64_t m = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      __m128i x = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, delim_), _mm_cmpeq_epi8(v, quote_)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, cr_), _mm_cmpeq_epi8(v, lf_)));
      m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(x))) << (16 * i);
    }
    return m;
#else
    uint64_t m = 0;
    for (int i = 0; i < 64; ++i) {
      const char c = p[i];
      if (c == delimiter_ || c == '"' || c == '\r' || c == '\n') m |= uint64_t{1} << i;
    }
    return m;
#endif
  }

  const char* base_;
  const char* end_;
  uint64_t bits_ = 0;
  [[maybe_unused]] char delimiter_;
#if defined(__SSE2__)
  __m128i delim_, quote_, cr_, lf_;
#endif
};

// How many bytes of [b, e) equal `c`: 16 at a time into byte counters, summed every 255 blocks
// before they can wrap (std::count compiles to 4 bytes a step here, and the span cut counts
// every line of the input on one thread).
inline int64_t CountByte(const char* b, const char* e, char c) {
  int64_t n = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  while (e - b >= 16) {
    const char* stop = b + 16 * std::min<ptrdiff_t>((e - b) / 16, 255);
    __m128i counts = _mm_setzero_si128();
    for (; b < stop; b += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, needle));  // a match is -1
    }
    const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    n += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
#endif
  for (; b < e; ++b) n += *b == c ? 1 : 0;
  return n;
}

}  // namespace tally::runtime
