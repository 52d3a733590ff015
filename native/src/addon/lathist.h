/* Signed log-linear latency histogram (HDR style) for per-stream percentiles: 128 sub-buckets per
 * power of two, so a bucket's midpoint lies within 1/256 of every value in it (exact below 128 ns,
 * within 1 µs below 256 µs). |v| up to 2^40 ns (~18 min); larger values share the last bucket.
 * Negative transits (a sender clock ahead of the receiver's) have their own half. */
#ifndef NS_LATHIST_H
#define NS_LATHIST_H
#include <stdint.h>

#define LH_SUB_BITS 7
#define LH_SUB (1u << LH_SUB_BITS)
#define LH_MAX_BITS 40
#define LH_BUCKETS (LH_SUB + (LH_MAX_BITS - LH_SUB_BITS) * LH_SUB)

typedef struct {
  uint64_t count;
  uint64_t neg[LH_BUCKETS], pos[LH_BUCKETS];
} lathist;

void lh_add(lathist *h, int64_t v);
void lh_merge(lathist *dst, const lathist *src);
/* Nearest-rank quantile (q in (0, 1]) as the midpoint of its bucket; 0 when empty. */
int64_t lh_quantile(const lathist *h, double q);
#endif
