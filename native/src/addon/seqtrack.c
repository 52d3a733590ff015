#include "seqtrack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int streams_init(stream_table *t, uint32_t max_streams) {
  uint32_t cap = 16;
  while (cap < max_streams * 2) cap <<= 1; /* load factor <= 0.5 */
  /* Large and zeroed: the kernel backs only the slots a stream touches. */
  t->slots = calloc(cap, sizeof *t->slots);
  if (!t->slots) return -ENOMEM;
  t->capacity = cap;
  t->used = 0;
  t->overflow = 0;
  t->alloc_failures = 0;
  return 0;
}

void streams_free(stream_table *t) {
  for (uint32_t i = 0; t->slots && i < t->capacity; i++)
    if (t->slots[i].used) track_free(&t->slots[i]);
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

int track_seq(stream_track *s, uint64_t seq) {
  s->frames++;
  if (s->first_seq == UINT64_MAX) {
    s->first_seq = s->max_seq = seq;
    bit_put(s, seq, 1);
    s->received = 1;
    return 1;
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
    return 1;
  }
  if (s->max_seq - seq >= SEQ_WINDOW) {
    /* Too old to tell a duplicate from a late original: kept as lost, but its latency is real. */
    s->stale++;
    return 1;
  }
  if (bit_get(s, seq)) {
    s->duplicates++;
    return 0;
  }
  bit_put(s, seq, 1);
  s->received++;
  s->reordered++;
  if (seq < s->first_seq) s->first_seq = seq;
  return 1;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void finish_second(second_stats *out, const lathist *h, int64_t min, int64_t max) {
  if (out->lat_count == 0) return;
  int64_t p50 = lh_quantile(h, 0.5), p99 = lh_quantile(h, 0.99);
  out->p50 = p50 < min ? min : p50 > max ? max : p50;
  out->p99 = p99 < min ? min : p99 > max ? max : p99;
}

static int push_second(stream_track *s, second_stats v) {
  if (s->nsecs == s->cap_secs) {
    uint32_t cap = s->cap_secs ? s->cap_secs * 2 : 64;
    second_stats *more = realloc(s->secs, cap * sizeof *more);
    if (!more) return -ENOMEM;
    s->secs = more;
    s->cap_secs = cap;
  }
  /* Seconds close in order, except a straggler's own second: keep the series sorted. */
  uint32_t at = s->nsecs;
  while (at > 0 && s->secs[at - 1].second > v.second) at--;
  memmove(s->secs + at + 1, s->secs + at, (s->nsecs - at) * sizeof v);
  s->secs[at] = v;
  s->nsecs++;
  return 0;
}

static int ensure_hist(lathist **h) {
  if (!*h) *h = calloc(1, sizeof **h);
  return *h ? 0 : -ENOMEM;
}

int track_arrival(stream_track *s, const track_config *cfg, uint64_t rx_ns, int has_tx, int64_t transit) {
  int err = 0;
  int64_t sec = floor_div((int64_t)rx_ns - cfg->start_ns, 1000000000);
  if (has_tx) {
    if (s->lat_count == 0) {
      s->lat_min = s->lat_max = transit;
    } else {
      if (transit < s->lat_min) s->lat_min = transit;
      if (transit > s->lat_max) s->lat_max = transit;
      int64_t d = transit - s->prev_transit;
      s->jitter += ((double)(d < 0 ? -d : d) - s->jitter) / 16.0; /* RFC 3550 §6.4.1 */
    }
    s->prev_transit = transit;
    s->lat_sum += (double)transit;
    s->lat_count++;
    if (cfg->late_ns >= 0 && transit > cfg->late_ns) s->late++;
    if (ensure_hist(&s->hist) == 0)
      lh_add(s->hist, transit);
    else
      err = -ENOMEM;
  }
  if (s->has_cur && sec < s->cur.second) {
    /* A straggler stamped before the open second: its old second gets the count, not a percentile. */
    uint32_t i = s->nsecs;
    while (i > 0 && s->secs[i - 1].second > sec) i--;
    if (i > 0 && s->secs[i - 1].second == sec) {
      second_stats *o = &s->secs[i - 1];
      o->received++;
      if (has_tx) {
        if (o->lat_count == 0) o->p50 = o->p99 = transit;
        o->lat_count++;
        o->lat_sum += (double)transit;
      }
      return err;
    }
    second_stats o = {sec, 1, has_tx ? 1 : 0, has_tx ? (double)transit : 0, transit, transit};
    return push_second(s, o) < 0 ? -ENOMEM : err;
  }
  if (!s->has_cur || sec > s->cur.second) {
    if (s->has_cur) {
      finish_second(&s->cur, s->sec_hist, s->cur_min, s->cur_max);
      if (push_second(s, s->cur) < 0) err = -ENOMEM;
    }
    if (s->sec_hist) memset(s->sec_hist, 0, sizeof *s->sec_hist);
    s->cur = (second_stats){.second = sec};
    s->has_cur = 1;
  }
  s->cur.received++;
  if (has_tx) {
    if (s->cur.lat_count == 0 || transit < s->cur_min) s->cur_min = transit;
    if (s->cur.lat_count == 0 || transit > s->cur_max) s->cur_max = transit;
    s->cur.lat_count++;
    s->cur.lat_sum += (double)transit;
    if (ensure_hist(&s->sec_hist) == 0)
      lh_add(s->sec_hist, transit);
    else
      err = -ENOMEM;
  }
  return err;
}

int64_t track_quantile(const stream_track *s, double q) {
  if (!s->hist || s->lat_count == 0) return 0;
  int64_t v = lh_quantile(s->hist, q);
  return v < s->lat_min ? s->lat_min : v > s->lat_max ? s->lat_max : v;
}

second_stats *track_series(const stream_track *s, uint32_t *n) {
  *n = s->nsecs + (s->has_cur ? 1 : 0);
  second_stats *out = malloc((*n ? *n : 1) * sizeof *out);
  if (!out) {
    *n = 0;
    return NULL;
  }
  if (s->nsecs) memcpy(out, s->secs, s->nsecs * sizeof *out);
  if (s->has_cur) {
    out[s->nsecs] = s->cur;
    if (s->sec_hist) finish_second(&out[s->nsecs], s->sec_hist, s->cur_min, s->cur_max);
  }
  return out;
}

void track_free(stream_track *s) {
  free(s->hist);
  free(s->sec_hist);
  free(s->secs);
  s->hist = s->sec_hist = NULL;
  s->secs = NULL;
  s->nsecs = s->cap_secs = 0;
}

int track_clone(stream_track *dst, const stream_track *src) {
  *dst = *src;
  dst->hist = dst->sec_hist = NULL;
  dst->secs = NULL;
  dst->nsecs = dst->cap_secs = dst->has_cur = 0;
  uint32_t n;
  second_stats *series = track_series(src, &n);
  int err = (!series && n) || (src->hist && ensure_hist(&dst->hist) < 0) ? -ENOMEM : 0;
  if (!err && src->hist) *dst->hist = *src->hist;
  for (uint32_t i = 0; !err && i < n; i++) err = push_second(dst, series[i]);
  free(series);
  if (err) track_free(dst);
  return err;
}

/* Two rings' figures for one second: counts add; percentiles (already reduced) are weighted by count. */
static void merge_second(second_stats *a, const second_stats *b) {
  uint64_t n = a->lat_count + b->lat_count;
  if (n) {
    a->p50 = (int64_t)(((double)a->p50 * (double)a->lat_count + (double)b->p50 * (double)b->lat_count) / (double)n);
    a->p99 = a->p99 > b->p99 || b->lat_count == 0 ? a->p99 : b->p99;
  }
  a->received += b->received;
  a->lat_count = n;
  a->lat_sum += b->lat_sum;
}

int track_merge(stream_track *dst, const stream_track *src) {
  /* Sequence figures add up (a stream that lands in several rings cannot have its reordering seen
   * across them); loss follows from the joint first/highest seq and the unique count. */
  if (src->first_seq < dst->first_seq) dst->first_seq = src->first_seq;
  if (src->max_seq > dst->max_seq) dst->max_seq = src->max_seq;
  dst->received += src->received;
  dst->frames += src->frames;
  dst->duplicates += src->duplicates;
  dst->reordered += src->reordered;
  dst->stale += src->stale;
  dst->late += src->late;
  if (src->lat_count) {
    if (dst->lat_count == 0 || src->lat_min < dst->lat_min) dst->lat_min = src->lat_min;
    if (dst->lat_count == 0 || src->lat_max > dst->lat_max) dst->lat_max = src->lat_max;
    double n = (double)(dst->lat_count + src->lat_count);
    dst->jitter = (dst->jitter * (double)dst->lat_count + src->jitter * (double)src->lat_count) / n;
    dst->lat_sum += src->lat_sum;
    dst->lat_count += src->lat_count;
    if (src->hist) {
      if (ensure_hist(&dst->hist) < 0) return -ENOMEM;
      lh_merge(dst->hist, src->hist);
    }
  }
  uint32_t n;
  second_stats *series = track_series(src, &n);
  if (!series && n) return -ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t j = 0;
    while (j < dst->nsecs && dst->secs[j].second != series[i].second) j++;
    if (j < dst->nsecs)
      merge_second(&dst->secs[j], &series[i]);
    else if (push_second(dst, series[i]) < 0) {
      free(series);
      return -ENOMEM;
    }
  }
  free(series);
  return 0;
}
