/* Big-endian field access and the two send-time encodings a signature block may use. */
#ifndef NS_WIRE_H
#define NS_WIRE_H
#include <stdint.h>

enum ts_format {
  TS_NS64 = 0,       /* u64 nanoseconds since the epoch */
  TS_SEC32_NSEC32 = 1 /* u32 seconds, then u32 nanoseconds (the shared packet model's signature) */
};

static inline void put_be(uint8_t *p, uint64_t v, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static inline uint64_t get_be(const uint8_t *p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

/* Both encodings take 8 bytes. */
static inline void ts_put(uint8_t *p, uint64_t ns, uint32_t fmt) {
  if (fmt == TS_SEC32_NSEC32) {
    put_be(p, ns / 1000000000ull, 4);
    put_be(p + 4, ns % 1000000000ull, 4);
  } else {
    put_be(p, ns, 8);
  }
}

static inline uint64_t ts_get(const uint8_t *p, uint32_t fmt) {
  if (fmt == TS_SEC32_NSEC32) return get_be(p, 4) * 1000000000ull + get_be(p + 4, 4);
  return get_be(p, 8);
}
#endif
