/* Per-stream sequence and latency accounting on the signature block (stream id, seq, tx time):
 * loss, duplicates and reordering in the style of mcjoin / TRex seq_too_high/low, RFC 3550 jitter. */
#ifndef NS_SEQTRACK_H
#define NS_SEQTRACK_H
#include <stdint.h>

#define SEQ_WINDOW 1024 /* seqs this far behind the highest seen are still told apart as dup/reorder */

typedef struct {
  uint32_t stream_id;
  int used;
  uint64_t first_seq, max_seq;
  uint64_t received; /* unique seqs */
  uint64_t duplicates, reordered, late;
  uint64_t window[SEQ_WINDOW / 64];
  /* latency (rx time - tx time in the frame), ns */
  uint64_t lat_count;
  int64_t lat_min, lat_max, prev_transit;
  double lat_sum, jitter;
} stream_track;

typedef struct {
  stream_track *slots;
  uint32_t capacity; /* power of two */
  uint32_t used;
  uint64_t overflow; /* frames of streams that did not fit */
} stream_table;

int streams_init(stream_table *t, uint32_t max_streams);
void streams_free(stream_table *t);
/* Finds or adds the stream; NULL when the table is full. */
stream_track *streams_get(stream_table *t, uint32_t stream_id);
void track_seq(stream_track *s, uint64_t seq);
void track_latency(stream_track *s, int64_t transit_ns);
/* Seqs from first to highest that have not arrived (late arrivals outside the window count as lost). */
static inline uint64_t track_lost(const stream_track *s) {
  return s->used ? (s->max_seq - s->first_seq + 1) - s->received : 0;
}
#endif
