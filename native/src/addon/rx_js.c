/* N-API bindings of the receive side: a receiver is one ring, or several in a PACKET_FANOUT group
 * (a reader thread each, so frames are taken on more than one core); its stats join the rings'. */
#define _GNU_SOURCE
#include "rx_js.h"

#include <errno.h>
#include <linux/filter.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "rx.h"
#include "wire.h"

#define MAX_BPF 4096
#define MAX_RINGS 16

static const napi_type_tag RX_TAG = {0x6e657473706f7474ull, 0x0000000000000003ull};

/* Batches handed to JS and not yet read are bounded in bytes, not in number: a stalled event loop (a
 * collection, a slow fsync, a busy core) holds them, and at low rates each carries a frame or two, so a
 * bound of 64 batches lost a 50 pps capture's frames after about a second of stall. 32 MiB rides out
 * ~1,500 such batches, or ~120 full ones. */
#define DELIVERY_BUDGET_BYTES ((size_t)32 << 20)

typedef struct {
  _Atomic size_t queued; /* bytes in batches on their way to JS */
} delivery_queue;

typedef struct {
  rx_ring rings[MAX_RINGS];
  uint32_t nrings;
  int open, closed;
  napi_threadsafe_function deliver_fn;
  delivery_queue *delivery; /* the delivery function's; freed with it */
} rx_handle;

/* Reads [[code, jt, jf, k], ...] into filter (caller frees filter->filter). */
static int arg_bpf(napi_env env, napi_value v, struct sock_fprog *out) {
  bool is;
  uint32_t n;
  if (napi_is_array(env, v, &is) != napi_ok || !is) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "filter must be a string or an array of [code, jt, jf, k]");
    return 0;
  }
  napi_get_array_length(env, v, &n);
  if (n == 0 || n > MAX_BPF) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "filter must have 1..4096 instructions");
    return 0;
  }
  struct sock_filter *f = calloc(n, sizeof *f);
  if (!f) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return 0;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value ins, e;
    uint32_t len = 0;
    double x[4];
    if (napi_get_element(env, v, i, &ins) != napi_ok || napi_is_array(env, ins, &is) != napi_ok || !is ||
        napi_get_array_length(env, ins, &len) != napi_ok || len != 4) {
      free(f);
      napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "each filter instruction must be [code, jt, jf, k]");
      return 0;
    }
    static const double max[4] = {65535, 255, 255, 4294967295.0};
    for (uint32_t j = 0; j < 4; j++) {
      if (napi_get_element(env, ins, j, &e) != napi_ok || !arg_int(env, e, "filter instruction field", 0, max[j], &x[j])) {
        free(f);
        return 0;
      }
    }
    f[i] = (struct sock_filter){(uint16_t)x[0], (uint8_t)x[1], (uint8_t)x[2], (uint32_t)x[3]};
  }
  out->len = (unsigned short)n;
  out->filter = f;
  return 1;
}

static void rx_deliver_off(rx_handle *h) {
  if (!h->deliver_fn) return;
  for (uint32_t i = 0; h->open && i < h->nrings; i++) rx_set_deliver(&h->rings[i], NULL, NULL);
  napi_release_threadsafe_function(h->deliver_fn, napi_tsfn_release);
  h->deliver_fn = NULL;
  h->delivery = NULL;
}

static void rx_shutdown(rx_handle *h) {
  if (h->closed) return;
  h->closed = 1;
  rx_deliver_off(h);
  for (uint32_t i = 0; h->open && i < h->nrings; i++) rx_close(&h->rings[i]);
  h->open = 0;
}

static void rx_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  rx_shutdown(data);
  free(data);
}

static int opt_signature(napi_env env, napi_value opts, rx_signature *sig) {
  napi_value s;
  int present;
  memset(sig, 0, sizeof *sig);
  if (!opt_prop(env, opts, "signature", &s, &present)) return 0;
  if (!present) return 1;
  if (!arg_options(env, s, "signature", &s, &present)) return 0;
  double seq = -1, seq_bytes = 4, stream = -1, ts = -1, magic_off = -1, magic = 0, ts_format = TS_NS64;
  double start_ms = 0, late_ms = -1;
  if (!opt_int(env, s, "seqOffset", 0, 65535, &seq) || !opt_int(env, s, "seqBytes", 2, 8, &seq_bytes) ||
      !opt_int(env, s, "tsFormat", 0, 1, &ts_format) ||
      !opt_int(env, s, "streamOffset", 0, 65535, &stream) || !opt_int(env, s, "tsOffset", 0, 65535, &ts) ||
      !opt_int(env, s, "magicOffset", 0, 65535, &magic_off) || !opt_int(env, s, "magic", 0, 4294967295.0, &magic) ||
      !opt_number(env, s, "startMs", 0, 9.2e12, &start_ms) || !opt_number(env, s, "lateMs", 0, 9.2e12, &late_ms))
    return 0;
  if (seq < 0 || (seq_bytes != 2 && seq_bytes != 4 && seq_bytes != 8)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "signature needs seqOffset, and seqBytes 2, 4 or 8");
    return 0;
  }
  *sig = (rx_signature){1, (int32_t)magic_off, (uint32_t)magic, (int32_t)stream, (int32_t)seq, (int32_t)ts,
                        (uint32_t)seq_bytes, (uint32_t)ts_format,
                        {(int64_t)(start_ms * 1e6), late_ms < 0 ? -1 : (int64_t)(late_ms * 1e6)}};
  return 1;
}

/* Opens the handle's rings; with more than one, ring 0 creates the fanout group the others join. A
 * kernel that refuses the group leaves one ring. 0 or -errno with *why set. */
static int open_rings(rx_handle *h, uint32_t want, const char *ifname, const char *netns,
                      const struct sock_fprog *prog, rx_config cfg, const char **why) {
  uint32_t blocks = cfg.blocks;
  cfg.blocks = want > 1 && blocks / want > 0 ? blocks / want : blocks; /* the ring memory is shared out */
  cfg.fanout = want > 1 ? RX_FANOUT_NEW : RX_FANOUT_NONE;
  int r = rx_open(&h->rings[0], ifname, netns, prog, &cfg, why);
  if (r < 0 && want > 1 && strcmp(*why, "PACKET_FANOUT") == 0) {
    rx_close(&h->rings[0]);
    cfg.blocks = blocks;
    cfg.fanout = RX_FANOUT_NONE;
    want = 1;
    r = rx_open(&h->rings[0], ifname, netns, prog, &cfg, why);
  }
  h->nrings = 1;
  cfg.fanout = RX_FANOUT_JOIN;
  cfg.fanout_id = h->rings[0].fanout_id;
  for (uint32_t i = 1; r == 0 && i < want; i++, h->nrings++)
    r = rx_open(&h->rings[i], ifname, netns, prog, &cfg, why);
  return r;
}

/* rxOpen(ifname, { netns?, filter?, blockBytes?, blocks?, blockTimeoutMs?, promisc?, maxStreams?,
 *                  signature?, fanout? }) — the reader threads start with rxStart. */
static napi_value rx_open_js(napi_env env, napi_callback_info info) {
  ARGS(2);
  char ifname[64], nsbuf[256];
  const char *netns;
  napi_value opts, fv;
  int has_opts, has_filter;
  if (!arg_string(env, argv[0], "ifname", ifname, sizeof ifname)) return NULL;
  if (!arg_options(env, argv[1], "options", &opts, &has_opts)) return NULL;
  rx_config cfg = {.block_bytes = 1 << 20, .blocks = 64, .block_timeout_ms = 8, .max_streams = 1024};
  double bb = cfg.block_bytes, nb = cfg.blocks, tov = cfg.block_timeout_ms, ms = cfg.max_streams, fanout = 1;
  if (!opt_netns(env, opts, nsbuf, sizeof nsbuf, &netns) || !opt_int(env, opts, "blockBytes", 4096, 1 << 26, &bb) ||
      !opt_int(env, opts, "blocks", 1, 65536, &nb) || !opt_int(env, opts, "blockTimeoutMs", 1, 1000, &tov) ||
      !opt_int(env, opts, "maxStreams", 1, 1 << 20, &ms) || !opt_bool(env, opts, "promisc", &cfg.promisc) ||
      !opt_int(env, opts, "fanout", 1, MAX_RINGS, &fanout) || !opt_signature(env, opts, &cfg.sig) ||
      !opt_prop(env, opts, "filter", &fv, &has_filter))
    return NULL;
  uint32_t b = (uint32_t)bb;
  if (b & (b - 1)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "blockBytes must be a power of two");
    return NULL;
  }
  if (nb * bb > 4294967296.0) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "ring must be at most 4 GiB");
    return NULL;
  }
  cfg.block_bytes = b;
  cfg.blocks = (uint32_t)nb;
  cfg.block_timeout_ms = (uint32_t)tov;
  cfg.max_streams = (uint32_t)ms;
  struct sock_filter accept_all = BPF_STMT(BPF_RET | BPF_K, 0xffff);
  struct sock_fprog prog = {1, &accept_all};
  if (has_filter && !arg_bpf(env, fv, &prog)) return NULL;
  rx_handle *h = calloc(1, sizeof *h);
  const char *why = "rxOpen";
  int r = h ? open_rings(h, (uint32_t)fanout, ifname, netns, &prog, cfg, &why) : -ENOMEM;
  if (has_filter) free(prog.filter);
  if (r < 0) {
    for (uint32_t i = 0; h && i < h->nrings; i++) rx_close(&h->rings[i]);
    free(h);
    char what[128];
    snprintf(what, sizeof what, "cannot open receive ring (%s)", r == -ENODEV ? "no such interface" : why);
    throw_errno(env, what, r);
    return NULL;
  }
  h->open = 1;
  return wrap(env, h, &RX_TAG, rx_finalize);
}

static rx_handle *open_rx(napi_env env, napi_value v) {
  rx_handle *h;
  if (!arg_handle(env, v, "receiver", &RX_TAG, (void **)&h)) return NULL;
  if (!h->open) {
    napi_throw_error(env, "ERR_CLOSED", "receiver is closed");
    return NULL;
  }
  return h;
}

static napi_value rx_start_js(napi_env env, napi_callback_info info) {
  ARGS(1);
  rx_handle *h = open_rx(env, argv[0]);
  if (!h) return NULL;
  for (uint32_t i = 0; i < h->nrings; i++) {
    int r = rx_start(&h->rings[i]);
    if (r < 0) {
      throw_errno(env, "cannot start reader thread", r);
      return NULL;
    }
  }
  return undefined(env);
}

static napi_value copy_typed(napi_env env, napi_typedarray_type t, const void *src, size_t n, size_t el) {
  void *dst;
  napi_value ab, arr;
  napi_create_arraybuffer(env, n * el, &dst, &ab);
  if (n) memcpy(dst, src, n * el);
  napi_create_typedarray(env, t, n, ab, 0, &arr);
  return arr;
}

static void deliver_call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  delivery_queue *q = ctx;
  rx_batch *b = data;
  size_t size = rx_batch_size(b);
  if (env && cb) {
    napi_value o, buf;
    void *dst;
    napi_create_object(env, &o);
    napi_create_buffer_copy(env, b->used, b->data, &dst, &buf);
    set_val(env, o, "data", buf);
    set_val(env, o, "offsets", copy_typed(env, napi_uint32_array, b->offset, b->count, 4));
    set_val(env, o, "capLengths", copy_typed(env, napi_uint32_array, b->caplen, b->count, 4));
    set_val(env, o, "wireLengths", copy_typed(env, napi_uint32_array, b->wirelen, b->count, 4));
    set_val(env, o, "timestampsNs", copy_typed(env, napi_biguint64_array, b->ts_ns, b->count, 8));
    napi_call_function(env, undefined(env), cb, 1, &o, NULL);
  }
  free(b);
  atomic_fetch_sub(&q->queued, size);
}

/* Reader thread, under the ring lock (so the delivery function outlives the call). */
static int deliver_native(rx_ring *r, rx_batch *b) {
  rx_handle *h = r->user;
  size_t size = rx_batch_size(b);
  if (atomic_fetch_add(&h->delivery->queued, size) + size > DELIVERY_BUDGET_BYTES ||
      napi_call_threadsafe_function(h->deliver_fn, b, napi_tsfn_nonblocking) != napi_ok) {
    atomic_fetch_sub(&h->delivery->queued, size);
    return -1;
  }
  return 0;
}

static void free_delivery(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  free(data);
}

/* rxDeliver(receiver, onBatch | null): copies of matching frames, in batches, while set. */
static napi_value rx_deliver(napi_env env, napi_callback_info info) {
  ARGS(2);
  rx_handle *h = open_rx(env, argv[0]);
  if (!h) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_null && t != napi_undefined && !arg_function(env, argv[1], "onBatch")) return NULL;
  rx_deliver_off(h);
  if (t == napi_function) {
    napi_value name;
    napi_create_string_utf8(env, "netspotter-rx", NAPI_AUTO_LENGTH, &name);
    delivery_queue *q = calloc(1, sizeof *q);
    /* Unbounded in number (0): the byte budget bounds it. */
    if (!q || napi_create_threadsafe_function(env, argv[1], NULL, name, 0, 1, q, free_delivery, q, deliver_call_js,
                                              &h->deliver_fn) != napi_ok) {
      free(q);
      napi_throw_error(env, "ENOMEM", "cannot create delivery callback");
      return NULL;
    }
    h->delivery = q;
    for (uint32_t i = 0; i < h->nrings; i++) rx_set_deliver(&h->rings[i], deliver_native, h);
  }
  return undefined(env);
}

static napi_value series_value(napi_env env, const stream_track *s) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n;
  second_stats *series = track_series(s, &n);
  for (uint32_t i = 0; i < n; i++) {
    const second_stats *x = &series[i];
    napi_value o;
    napi_create_object(env, &o);
    set_num(env, o, "second", (double)x->second);
    set_num(env, o, "received", (double)x->received);
    set_num(env, o, "latencyCount", (double)x->lat_count);
    set_num(env, o, "meanNs", x->lat_count ? x->lat_sum / (double)x->lat_count : 0);
    set_num(env, o, "p50Ns", (double)x->p50);
    set_num(env, o, "p99Ns", (double)x->p99);
    napi_set_element(env, arr, i, o);
  }
  free(series);
  return arr;
}

static napi_value stream_value(napi_env env, const stream_track *s, int with_series) {
  napi_value so, sl;
  napi_create_object(env, &so);
  napi_create_object(env, &sl);
  set_num(env, so, "streamId", s->stream_id);
  set_num(env, so, "received", (double)s->received);
  set_num(env, so, "frames", (double)s->frames);
  set_num(env, so, "lost", (double)track_lost(s));
  set_num(env, so, "duplicates", (double)s->duplicates);
  set_num(env, so, "reordered", (double)s->reordered);
  set_num(env, so, "stale", (double)s->stale);
  set_num(env, so, "late", (double)s->late);
  set_num(env, so, "firstSeq", (double)s->first_seq);
  set_num(env, so, "maxSeq", (double)s->max_seq);
  set_num(env, sl, "count", (double)s->lat_count);
  set_num(env, sl, "minNs", (double)s->lat_min);
  set_num(env, sl, "maxNs", (double)s->lat_max);
  set_num(env, sl, "meanNs", s->lat_count ? s->lat_sum / (double)s->lat_count : 0);
  set_num(env, sl, "p50Ns", (double)track_quantile(s, 0.5));
  set_num(env, sl, "p99Ns", (double)track_quantile(s, 0.99));
  set_num(env, sl, "jitterNs", s->jitter);
  set_val(env, so, "latency", sl);
  if (with_series) set_val(env, so, "perSecond", series_value(env, s));
  return so;
}

/* The streams of several rings, one entry per stream id (a stream split across rings is merged). */
static stream_track *merge_streams(rx_handle *h, uint32_t *n, int *failed) {
  uint32_t cap = 0;
  for (uint32_t i = 0; i < h->nrings; i++) cap += h->rings[i].streams.used;
  stream_track *out = calloc(cap ? cap : 1, sizeof *out);
  *n = 0;
  *failed = !out;
  for (uint32_t i = 0; out && i < h->nrings; i++) {
    const stream_table *t = &h->rings[i].streams;
    for (uint32_t k = 0; k < t->capacity; k++) {
      const stream_track *s = &t->slots[k];
      if (!s->used) continue;
      uint32_t j = 0;
      while (j < *n && out[j].stream_id != s->stream_id) j++;
      int e = j < *n ? track_merge(&out[j], s) : track_clone(&out[(*n)++], s);
      if (e < 0) *failed = 1;
    }
  }
  return out;
}

/* rxStats(receiver, withSeries) */
static napi_value rx_stats_js(napi_env env, napi_callback_info info) {
  ARGS(2);
  rx_handle *h = open_rx(env, argv[0]);
  if (!h) return NULL;
  bool with_series = false;
  napi_get_value_bool(env, argv[1], &with_series);
  for (uint32_t i = 0; i < h->nrings; i++) rx_read_kernel_stats(&h->rings[i]);
  napi_value o, k, ts, lat, streams;
  napi_create_object(env, &o);
  napi_create_object(env, &k);
  napi_create_object(env, &ts);
  napi_create_object(env, &lat);
  napi_create_array(env, &streams);
  for (uint32_t i = 0; i < h->nrings; i++) pthread_mutex_lock(&h->rings[i].lock);
  uint64_t seen = 0, bytes = 0, matched = 0, bad = 0, delivered = 0, drops = 0, kp = 0, kd = 0, kf = 0;
  uint64_t hw = 0, sw = 0, overflow = 0, alloc = 0, cpu = 0;
  histogram all = {0};
  for (uint32_t i = 0; i < h->nrings; i++) {
    const rx_ring *r = &h->rings[i];
    seen += r->seen, bytes += r->bytes, matched += r->matched, bad += r->bad_signature;
    delivered += r->delivered, drops += r->delivery_drops;
    kp += r->k_packets, kd += r->k_drops, kf += r->k_freeze, hw += r->ts_hw, sw += r->ts_sw;
    overflow += r->streams.overflow, alloc += r->streams.alloc_failures, cpu += r->cpu_ns;
    all.count += r->latency.count;
    for (unsigned b = 0; b < HIST_BUCKETS; b++) all.buckets[b] += r->latency.buckets[b];
  }
  set_num(env, o, "rings", h->nrings);
  napi_value per_ring;
  napi_create_array(env, &per_ring);
  for (uint32_t i = 0; i < h->nrings; i++) napi_set_element(env, per_ring, i, make_number(env, (double)h->rings[i].seen));
  set_val(env, o, "ringSeen", per_ring);
  set_num(env, o, "seen", (double)seen);
  set_num(env, o, "bytes", (double)bytes);
  set_num(env, o, "matched", (double)matched);
  set_num(env, o, "badSignature", (double)bad);
  set_num(env, o, "delivered", (double)delivered);
  set_num(env, o, "deliveryDrops", (double)drops);
  set_num(env, o, "readerCpuNs", (double)cpu);
  set_num(env, k, "packets", (double)kp);
  set_num(env, k, "drops", (double)kd);
  set_num(env, k, "freezeQueueCount", (double)kf);
  set_num(env, ts, "hardware", (double)hw);
  set_num(env, ts, "software", (double)sw);
  set_num(env, lat, "count", (double)all.count);
  set_num(env, lat, "p50Ns", (double)hist_quantile(&all, 0.5));
  set_num(env, lat, "p99Ns", (double)hist_quantile(&all, 0.99));
  set_num(env, o, "streamOverflow", (double)overflow);
  if (h->rings[0].sig.enabled && h->nrings == 1) {
    const stream_table *t = &h->rings[0].streams;
    for (uint32_t i = 0, n = 0; i < t->capacity; i++)
      if (t->slots[i].used) napi_set_element(env, streams, n++, stream_value(env, &t->slots[i], with_series));
  } else if (h->rings[0].sig.enabled) {
    uint32_t n;
    int failed;
    stream_track *merged = merge_streams(h, &n, &failed);
    if (failed) alloc++;
    for (uint32_t i = 0; i < n; i++) {
      napi_set_element(env, streams, i, stream_value(env, &merged[i], with_series));
      track_free(&merged[i]);
    }
    free(merged);
  }
  for (uint32_t i = h->nrings; i-- > 0;) pthread_mutex_unlock(&h->rings[i].lock);
  /* Frames whose percentile or series entry was lost to a failed allocation (counts stay exact). */
  set_num(env, o, "accountingAllocFailures", (double)alloc);
  set_val(env, o, "kernel", k);
  set_val(env, o, "timestamps", ts);
  set_val(env, o, "latency", lat);
  set_val(env, o, "streams", streams);
  return o;
}

static napi_value rx_close_js(napi_env env, napi_callback_info info) {
  ARGS(1);
  rx_handle *h;
  if (!arg_handle(env, argv[0], "receiver", &RX_TAG, (void **)&h)) return NULL;
  rx_shutdown(h);
  return undefined(env);
}

void rx_js_register(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"rxOpen", rx_open_js},   {"rxStart", rx_start_js}, {"rxDeliver", rx_deliver},
      {"rxStats", rx_stats_js}, {"rxClose", rx_close_js},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
}
