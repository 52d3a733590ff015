/* Log-bucket histogram (8 sub-buckets per power of two, ~12% resolution) for lateness and latency.
 * Fixed size so it can live inside other structs and be read under their lock. */
#ifndef NS_HISTOGRAM_H
#define NS_HISTOGRAM_H
#include <stdint.h>

#define HIST_BUCKETS 512

typedef struct {
  uint64_t count;
  uint64_t buckets[HIST_BUCKETS];
} histogram;

static inline unsigned hist_index(uint64_t v) {
  if (v < 8) return (unsigned)v;
  unsigned msb = 63u - (unsigned)__builtin_clzll(v);
  return 8u + (msb - 3u) * 8u + (unsigned)((v >> (msb - 3u)) & 7u);
}

static inline void hist_add(histogram *h, uint64_t v) {
  h->count++;
  h->buckets[hist_index(v)]++;
}

/* Upper bound of the bucket holding quantile q (0..1): a conservative estimate. */
static inline uint64_t hist_quantile(const histogram *h, double q) {
  if (h->count == 0) return 0;
  uint64_t want = (uint64_t)(q * (double)h->count);
  if (want < 1) want = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < HIST_BUCKETS; i++) {
    seen += h->buckets[i];
    if (seen >= want) {
      if (i < 8) return i;
      unsigned msb = (i - 8u) / 8u + 3u, sub = (i - 8u) % 8u;
      return ((uint64_t)(9u + sub) << (msb - 3u)) - 1u;
    }
  }
  return UINT64_MAX;
}
#endif
