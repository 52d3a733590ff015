/* Per-stream sequence and latency accounting on the signature block (stream id, seq, tx time):
 * loss, duplicates and reordering in the style of mcjoin / TRex seq_too_high/low, one-way latency
 * with percentiles (whole stream and per second), RFC 3550 jitter. */
#ifndef NS_SEQTRACK_H
#define NS_SEQTRACK_H
#include <stdint.h>

#include "lathist.h"

/* Seqs this far behind the highest seen are still told apart as duplicate or reordered (65 ms of
 * reordering at 1 Mpps); older ones are counted as stale and stay lost. */
#define SEQ_WINDOW 65536

/* One second of a stream's receive series (seconds since the tracker's start time). */
typedef struct {
  int64_t second;
  uint64_t received; /* frames that were not duplicates */
  uint64_t lat_count;
  double lat_sum;
  int64_t p50, p99; /* ns, meaningful when lat_count > 0 */
} second_stats;

typedef struct {
  uint32_t stream_id;
  int used;
  uint64_t first_seq, max_seq;
  uint64_t received; /* unique seqs */
  uint64_t frames;   /* every frame of the stream, duplicates and stale ones included */
  uint64_t duplicates, reordered, stale, late;
  uint64_t window[SEQ_WINDOW / 64];
  /* latency (rx time - tx time in the frame), ns */
  uint64_t lat_count;
  int64_t lat_min, lat_max, prev_transit;
  double lat_sum, jitter;
  lathist *hist; /* whole stream; allocated with the first latency */
  /* the open second: its histogram and extremes (closed seconds keep only their figures) */
  lathist *sec_hist;
  second_stats cur;
  int64_t cur_min, cur_max;
  int has_cur;
  second_stats *secs; /* closed seconds, ascending */
  uint32_t nsecs, cap_secs;
} stream_track;

typedef struct {
  stream_track *slots;
  uint32_t capacity; /* power of two */
  uint32_t used;
  uint64_t overflow; /* frames of streams that did not fit */
  uint64_t alloc_failures;
} stream_table;

/* What a frame is counted against: the series' time zero and the latency above which it is late. */
typedef struct {
  int64_t start_ns;
  int64_t late_ns; /* < 0: nothing is late */
} track_config;

int streams_init(stream_table *t, uint32_t max_streams);
void streams_free(stream_table *t);
/* Finds or adds the stream; NULL when the table is full. */
stream_track *streams_get(stream_table *t, uint32_t stream_id);
/* Counts one frame; returns 1 when it was new (not a duplicate), so its latency is counted too. */
int track_seq(stream_track *s, uint64_t seq);
/* A new frame's receive time (for the per-second series) and, when has_tx, its transit time. Returns
 * -ENOMEM when a histogram or the series could not grow (the counts stay right, percentiles miss it). */
int track_arrival(stream_track *s, const track_config *cfg, uint64_t rx_ns, int has_tx, int64_t transit_ns);
/* Seqs from first to highest that have not arrived (stale arrivals count as lost). */
static inline uint64_t track_lost(const stream_track *s) {
  return s->used ? (s->max_seq - s->first_seq + 1) - s->received : 0;
}
/* Folds src into dst (the same stream seen by another fanout ring). 0 or -ENOMEM. */
int track_merge(stream_track *dst, const stream_track *src);
/* A copy of src to merge other rings into: its own histogram, the open second closed into the series. */
int track_clone(stream_track *dst, const stream_track *src);
void track_free(stream_track *s);
/* The whole stream's latency quantile (ns), clamped to the exact min and max. */
int64_t track_quantile(const stream_track *s, double q);
/* The series including the open second (which gets its percentiles now); caller frees. */
second_stats *track_series(const stream_track *s, uint32_t *n);
#endif
