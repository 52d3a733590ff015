#include "lathist.h"

#include <math.h>

static uint32_t lh_index(uint64_t u) {
  if (u < LH_SUB) return (uint32_t)u;
  unsigned msb = 63u - (unsigned)__builtin_clzll(u);
  if (msb >= LH_MAX_BITS) return LH_BUCKETS - 1;
  unsigned shift = msb - LH_SUB_BITS;
  return LH_SUB + shift * LH_SUB + (uint32_t)((u >> shift) - LH_SUB);
}

/* Midpoint of bucket i (its lowest value when the bucket is one wide). */
static uint64_t lh_mid(uint32_t i) {
  if (i < LH_SUB) return i;
  unsigned shift = (i - LH_SUB) / LH_SUB;
  uint64_t low = (uint64_t)(LH_SUB + (i - LH_SUB) % LH_SUB) << shift;
  return low + ((1ull << shift) - 1) / 2;
}

void lh_add(lathist *h, int64_t v) {
  h->count++;
  if (v < 0)
    h->neg[lh_index((uint64_t)-(v + 1) + 1)]++;
  else
    h->pos[lh_index((uint64_t)v)]++;
}

void lh_merge(lathist *dst, const lathist *src) {
  dst->count += src->count;
  for (uint32_t i = 0; i < LH_BUCKETS; i++) {
    dst->neg[i] += src->neg[i];
    dst->pos[i] += src->pos[i];
  }
}

int64_t lh_quantile(const lathist *h, double q) {
  if (h->count == 0) return 0;
  uint64_t rank = (uint64_t)ceil(q * (double)h->count), seen = 0;
  if (rank < 1) rank = 1;
  /* Most negative first: the negative half from its largest magnitude down. */
  for (uint32_t i = LH_BUCKETS; i-- > 0;) {
    seen += h->neg[i];
    if (seen >= rank) return -(int64_t)lh_mid(i);
  }
  for (uint32_t i = 0; i < LH_BUCKETS; i++) {
    seen += h->pos[i];
    if (seen >= rank) return (int64_t)lh_mid(i);
  }
  return 0;
}
