// FUZZ_CHECK(cond): a promise of the code under test. When it is broken, say which and abort,
// so libFuzzer keeps the input as a crash (an assert would vanish in release builds).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "%s:%d: broken invariant: %s\n", __FILE__, __LINE__, #cond);        \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)
