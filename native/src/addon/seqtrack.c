#include "seqtrack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int streams_init(stream_table *t, uint32_t max_streams) {
  uint32_t cap = 16;
  while (cap < max_streams * 2) cap <<= 1; /* load factor <= 0.5 */
  t->slots = calloc(cap, sizeof *t->slots);
  if (!t->slots) return -ENOMEM;
  t->capacity = cap;
  t->used = 0;
  t->overflow = 0;
  return 0;
}

void streams_free(stream_table *t) {
  free(t->slots);
  t->slots = NULL;
}

stream_track *streams_get(stream_table *t, uint32_t id) {
  uint32_t mask = t->capacity - 1, h = (id * 2654435761u) & mask;
  for (uint32_t i = 0; i < t->capacity; i++, h = (h + 1) & mask) {
    stream_track *s = &t->slots[h];
    if (s->used && s->stream_id == id) return s;
    if (!s->used) {
      if (t->used * 2 >= t->capacity) break;
      memset(s, 0, sizeof *s);
      s->used = 1;
      s->stream_id = id;
      s->first_seq = UINT64_MAX;
      t->used++;
      return s;
    }
  }
  t->overflow++;
  return NULL;
}

static inline int bit_get(const stream_track *s, uint64_t seq) {
  uint64_t b = seq % SEQ_WINDOW;
  return (int)((s->window[b / 64] >> (b % 64)) & 1u);
}
static inline void bit_put(stream_track *s, uint64_t seq, int v) {
  uint64_t b = seq % SEQ_WINDOW, m = 1ull << (b % 64);
  if (v)
    s->window[b / 64] |= m;
  else
    s->window[b / 64] &= ~m;
}

void track_seq(stream_track *s, uint64_t seq) {
  if (s->first_seq == UINT64_MAX) {
    s->first_seq = s->max_seq = seq;
    bit_put(s, seq, 1);
    s->received = 1;
    return;
  }
  if (seq > s->max_seq) {
    uint64_t gap = seq - s->max_seq;
    if (gap >= SEQ_WINDOW)
      memset(s->window, 0, sizeof s->window);
    else
      for (uint64_t q = s->max_seq + 1; q < seq; q++) bit_put(s, q, 0);
    bit_put(s, seq, 1);
    s->max_seq = seq;
    s->received++;
  } else if (s->max_seq - seq >= SEQ_WINDOW) {
    s->late++;
  } else if (bit_get(s, seq)) {
    s->duplicates++;
  } else {
    bit_put(s, seq, 1);
    s->received++;
    s->reordered++;
    if (seq < s->first_seq) s->first_seq = seq;
  }
}

void track_latency(stream_track *s, int64_t transit) {
  if (s->lat_count == 0) {
    s->lat_min = s->lat_max = transit;
  } else {
    if (transit < s->lat_min) s->lat_min = transit;
    if (transit > s->lat_max) s->lat_max = transit;
    int64_t d = transit - s->prev_transit;
    s->jitter += ((double)(d < 0 ? -d : d) - s->jitter) / 16.0;
  }
  s->prev_transit = transit;
  s->lat_sum += (double)transit;
  s->lat_count++;
}
