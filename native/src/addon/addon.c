/* N-API bindings of the packet engine. Handles are type-tagged externals, so a wrong or foreign
 * object raises a TypeError instead of being dereferenced. All JS calls happen on the JS thread;
 * the pacing and reader threads talk back only through thread-safe functions. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "rx.h"
#include "tx.h"
#include "wire.h"

#define MAX_BATCH 1024
#define MAX_BPF 4096
#define MAX_SEND 1048576
#define SEQ_MAX 9007199254740991.0 /* 2^53 - 1: sequence numbers cross the boundary as JS numbers */

static const napi_type_tag TX_TAG = {0x6e657473706f7474ull, 0x0000000000000001ull};
static const napi_type_tag STREAM_TAG = {0x6e657473706f7474ull, 0x0000000000000002ull};
static const napi_type_tag RX_TAG = {0x6e657473706f7474ull, 0x0000000000000003ull};

#define ARGS(n)                                                      \
  size_t argc = n;                                                   \
  napi_value argv[n];                                                \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) \
    return NULL;                                                     \
  for (size_t i_ = argc; i_ < n; i_++) napi_get_undefined(env, &argv[i_]);

typedef struct tx_handle tx_handle;
typedef struct stream_handle stream_handle;

struct tx_handle {
  tx_socket sock;
  int closed;
  int refs; /* the external + each live stream */
  stream_handle *streams;
};

struct stream_handle {
  tx_stream s;
  tx_handle *tx; /* NULL once detached (stream closed or engine closed) */
  stream_handle *next;
  napi_threadsafe_function done_fn;
};

typedef struct {
  rx_ring ring;
  int open, closed;
  napi_threadsafe_function deliver_fn;
} rx_handle;

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value wrap(napi_env env, void *p, const napi_type_tag *tag, napi_finalize fin) {
  napi_value v;
  if (napi_create_external(env, p, fin, NULL, &v) != napi_ok) return NULL;
  napi_type_tag_object(env, v, tag);
  return v;
}

/* ---------- probe and filters ---------- */

static napi_value probe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_object(env, &r);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) close(fd);
  napi_value b;
  napi_get_boolean(env, fd >= 0, &b);
  set_val(env, r, "rawSockets", b);
  if (err) {
    napi_value s;
    napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &s);
    set_val(env, r, "reason", s);
  }
  return r;
}

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

/* ---------- transmit ---------- */

static void tx_release(tx_handle *h) {
  if (--h->refs == 0) free(h);
}

static void stream_detach(stream_handle *sh) {
  if (!sh->tx) return;
  tx_paced_stop(&sh->s);
  stream_handle **pp = &sh->tx->streams;
  while (*pp && *pp != sh) pp = &(*pp)->next;
  if (*pp) *pp = sh->next;
  tx_handle *tx = sh->tx;
  sh->tx = NULL;
  tx_stream_free(&sh->s);
  tx_release(tx);
}

static void tx_shutdown(tx_handle *h) {
  if (h->closed) return;
  h->closed = 1;
  /* The caller holds the external's reference, so detaching streams cannot free h. */
  while (h->streams) stream_detach(h->streams);
  tx_socket_close(&h->sock);
}

static void tx_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  tx_handle *h = data;
  tx_shutdown(h);
  tx_release(h);
}

static int opt_netns(napi_env env, napi_value opts, char *buf, size_t size, const char **out) {
  napi_value v;
  int present;
  *out = NULL;
  if (!opt_prop(env, opts, "netns", &v, &present)) return 0;
  if (!present) return 1;
  if (!arg_string(env, v, "netns", buf, size)) return 0;
  *out = buf;
  return 1;
}

/* txOpen(ifname, { netns?, qdiscBypass?, txRingFrames? }) */
static napi_value tx_open(napi_env env, napi_callback_info info) {
  ARGS(2);
  char ifname[64], nsbuf[256];
  const char *netns;
  napi_value opts;
  int has_opts, bypass = 0;
  double ring = 0;
  if (!arg_string(env, argv[0], "ifname", ifname, sizeof ifname)) return NULL;
  if (!arg_options(env, argv[1], "options", &opts, &has_opts)) return NULL;
  if (!opt_netns(env, opts, nsbuf, sizeof nsbuf, &netns) || !opt_bool(env, opts, "qdiscBypass", &bypass) ||
      !opt_int(env, opts, "txRingFrames", 0, 1 << 20, &ring))
    return NULL;
  tx_handle *h = calloc(1, sizeof *h);
  if (!h) {
    throw_errno(env, "txOpen", ENOMEM);
    return NULL;
  }
  int r = tx_socket_open(&h->sock, ifname, netns, bypass, (uint32_t)ring);
  if (r < 0) {
    free(h);
    throw_errno(env, r == -ENODEV ? "no such interface" : "cannot open AF_PACKET transmit socket", r);
    return NULL;
  }
  h->refs = 1;
  return wrap(env, h, &TX_TAG, tx_finalize);
}

static napi_value tx_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  tx_handle *h;
  if (!arg_handle(env, argv[0], "engine", &TX_TAG, (void **)&h)) return NULL;
  tx_shutdown(h);
  return undefined(env);
}

static napi_value tx_stats(napi_env env, napi_callback_info info) {
  ARGS(1);
  tx_handle *h;
  if (!arg_handle(env, argv[0], "engine", &TX_TAG, (void **)&h)) return NULL;
  napi_value r;
  napi_create_object(env, &r);
  set_num(env, r, "sent", (double)__atomic_load_n(&h->sock.sent, __ATOMIC_RELAXED));
  set_num(env, r, "batches", (double)__atomic_load_n(&h->sock.batches, __ATOMIC_RELAXED));
  set_num(env, r, "backpressure", (double)__atomic_load_n(&h->sock.backpressure, __ATOMIC_RELAXED));
  set_num(env, r, "errors", (double)__atomic_load_n(&h->sock.errors, __ATOMIC_RELAXED));
  return r;
}

/* txSendFrames(engine, frames[]) -> frames sent: ready-made frames, sent as given and in order. */
static napi_value tx_send_frames_js(napi_env env, napi_callback_info info) {
  ARGS(2);
  tx_handle *h;
  bool is = false;
  uint32_t n = 0;
  if (!arg_handle(env, argv[0], "engine", &TX_TAG, (void **)&h)) return NULL;
  if (napi_is_array(env, argv[1], &is) != napi_ok || !is) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "frames must be an array of byte arrays");
    return NULL;
  }
  napi_get_array_length(env, argv[1], &n);
  if (n > MAX_SEND) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "at most 1048576 frames per call");
    return NULL;
  }
  if (h->closed) {
    napi_throw_error(env, "ERR_CLOSED", "engine is closed");
    return NULL;
  }
  struct iovec *iov = calloc(n ? n : 1, sizeof *iov);
  if (!iov) {
    throw_errno(env, "sendFrames", ENOMEM);
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    const uint8_t *p;
    size_t len;
    if (napi_get_element(env, argv[1], i, &el) != napi_ok || !arg_bytes(env, el, "frames[i]", &p, &len)) {
      free(iov);
      return NULL;
    }
    if (len == 0 || len > TPL_MAX_LEN) {
      free(iov);
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "each frame must be 1..9216 bytes");
      return NULL;
    }
    iov[i] = (struct iovec){(void *)p, len};
  }
  int err;
  uint64_t sent = tx_send_frames(&h->sock, iov, n, &err);
  free(iov);
  if (err) {
    throw_errno(env, "send failed", err);
    return NULL;
  }
  return make_number(env, (double)sent);
}

static void stream_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  stream_handle *sh = data;
  stream_detach(sh);
  free(sh);
}

static int opt_offset(napi_env env, napi_value spec, const char *key, int32_t *out) {
  double d = -1;
  if (!opt_int(env, spec, key, 0, TPL_MAX_LEN, &d)) return 0;
  *out = d < 0 ? TPL_NONE : (int32_t)d;
  return 1;
}

/* streamCreate(engine, base, { seqOffset?, seqBytes?, tsOffset?, streamOffset?, csumOffset?,
 *                              streamId?, firstSeq?, batchSize? }) */
static napi_value stream_create(napi_env env, napi_callback_info info) {
  ARGS(3);
  tx_handle *h;
  const uint8_t *base;
  size_t len;
  napi_value spec;
  int has_spec;
  if (!arg_handle(env, argv[0], "engine", &TX_TAG, (void **)&h)) return NULL;
  if (!arg_bytes(env, argv[1], "base", &base, &len)) return NULL;
  if (!arg_options(env, argv[2], "template", &spec, &has_spec)) return NULL;
  template_spec spec_at;
  double seq_bytes = 4, ts_format = TS_NS64, stream_id = 0, first_seq = 0, batch = 256;
  if (!opt_offset(env, spec, "seqOffset", &spec_at.seq_off) || !opt_offset(env, spec, "tsOffset", &spec_at.ts_off) ||
      !opt_offset(env, spec, "streamOffset", &spec_at.stream_off) ||
      !opt_offset(env, spec, "csumOffset", &spec_at.csum_off) || !opt_int(env, spec, "seqBytes", 2, 8, &seq_bytes) ||
      !opt_int(env, spec, "tsFormat", 0, 1, &ts_format) ||
      !opt_int(env, spec, "streamId", 0, 4294967295.0, &stream_id) ||
      !opt_int(env, spec, "firstSeq", 0, SEQ_MAX, &first_seq) || !opt_int(env, spec, "batchSize", 1, MAX_BATCH, &batch))
    return NULL;
  spec_at.seq_bytes = (uint32_t)seq_bytes;
  spec_at.ts_format = (uint32_t)ts_format;
  const char *bad = template_check((uint32_t)(len > TPL_MAX_LEN ? TPL_MAX_LEN + 1 : len), &spec_at);
  if (bad) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", bad);
    return NULL;
  }
  if (h->closed) {
    napi_throw_error(env, "ERR_CLOSED", "engine is closed");
    return NULL;
  }
  stream_handle *sh = calloc(1, sizeof *sh);
  frame_template tpl;
  if (!sh || template_init(&tpl, base, (uint32_t)len, &spec_at, (uint32_t)stream_id) < 0) {
    free(sh);
    throw_errno(env, "streamCreate", ENOMEM);
    return NULL;
  }
  if (tx_stream_init(&sh->s, &h->sock, &tpl, (uint32_t)batch, (uint64_t)first_seq) < 0) {
    free(sh);
    throw_errno(env, "streamCreate", ENOMEM);
    return NULL;
  }
  sh->tx = h;
  h->refs++;
  sh->next = h->streams;
  h->streams = sh;
  return wrap(env, sh, &STREAM_TAG, stream_finalize);
}

static stream_handle *usable_stream(napi_env env, napi_value v) {
  stream_handle *sh;
  if (!arg_handle(env, v, "stream", &STREAM_TAG, (void **)&sh)) return NULL;
  if (!sh->tx) {
    napi_throw_error(env, "ERR_CLOSED", "stream or engine is closed");
    return NULL;
  }
  return sh;
}

static stream_handle *idle_stream(napi_env env, napi_value v) {
  stream_handle *sh = usable_stream(env, v);
  if (sh && sh->s.busy) {
    napi_throw_error(env, "ERR_BUSY", "a paced run owns this stream; stop it first");
    return NULL;
  }
  return sh;
}

/* streamSend(stream, count) -> frames sent. Synchronous, so count is capped (~3 s at veth rates);
 * longer runs belong on a paced thread. */
static napi_value stream_send(napi_env env, napi_callback_info info) {
  ARGS(2);
  double count;
  stream_handle *sh = idle_stream(env, argv[0]);
  if (!sh || !arg_int(env, argv[1], "count", 0, MAX_SEND, &count)) return NULL;
  int err;
  uint64_t sent = tx_send(&sh->s, (uint64_t)count, NULL, NULL, &err);
  if (err) {
    throw_errno(env, "send failed", err);
    return NULL;
  }
  return make_number(env, (double)sent);
}

static napi_value stream_seq(napi_env env, napi_callback_info info) {
  ARGS(2);
  stream_handle *sh = usable_stream(env, argv[0]);
  if (!sh) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_undefined) {
    double seq;
    if (!idle_stream(env, argv[0]) || !arg_int(env, argv[1], "seq", 0, SEQ_MAX, &seq)) return NULL;
    sh->s.next_seq = (uint64_t)seq;
  }
  return make_number(env, (double)sh->s.next_seq);
}

static napi_value stream_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  stream_handle *sh;
  if (!arg_handle(env, argv[0], "stream", &STREAM_TAG, (void **)&sh)) return NULL;
  stream_detach(sh);
  return undefined(env);
}

static napi_value paced_result_value(napi_env env, const paced_result *p) {
  napi_value r;
  napi_create_object(env, &r);
  set_num(env, r, "sent", (double)p->sent);
  set_num(env, r, "backpressure", (double)p->backpressure);
  set_num(env, r, "durationNs", (double)p->duration_ns);
  set_num(env, r, "achievedPps", p->duration_ns ? (double)p->sent * 1e9 / (double)p->duration_ns : 0);
  set_num(env, r, "lateMaxNs", (double)p->late_max_ns);
  set_num(env, r, "lateP99Ns", (double)p->late_p99_ns);
  set_num(env, r, "lateMeanNs", (double)p->late_mean_ns);
  if (p->error) {
    napi_value s;
    napi_create_string_utf8(env, strerror(-p->error), NAPI_AUTO_LENGTH, &s);
    set_val(env, r, "error", s);
  }
  return r;
}

static void paced_call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  (void)ctx;
  paced_result *p = data;
  if (env && cb) {
    napi_value arg = paced_result_value(env, p), recv = undefined(env);
    napi_call_function(env, recv, cb, 1, &arg, NULL);
  }
  free(p);
}

/* Runs on the pacing thread as it ends: hands a copy of the result to JS, never the stream. */
static void paced_done(tx_stream *s) {
  stream_handle *sh = s->user;
  paced_result *p = malloc(sizeof *p);
  if (p) {
    *p = s->result;
    if (napi_call_threadsafe_function(sh->done_fn, p, napi_tsfn_blocking) != napi_ok) free(p);
  }
  napi_release_threadsafe_function(sh->done_fn, napi_tsfn_release);
}

/* pacedStart(stream, pps, count, durationMs, onDone) — pps 0 = as fast as possible; count and
 * duration 0 = unbounded. onDone(result) fires once when the run ends for any reason. */
static napi_value paced_start(napi_env env, napi_callback_info info) {
  ARGS(5);
  double pps, count, ms;
  stream_handle *sh = idle_stream(env, argv[0]);
  if (!sh || !arg_number(env, argv[1], "pps", 0, 1e9, &pps) ||
      !arg_int(env, argv[2], "count", 0, SEQ_MAX, &count) || !arg_number(env, argv[3], "durationMs", 0, 1e12, &ms) ||
      !arg_function(env, argv[4], "onDone"))
    return NULL;
  napi_value name;
  napi_create_string_utf8(env, "netspotter-paced", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, NULL, NULL, NULL, paced_call_js,
                                      &sh->done_fn) != napi_ok) {
    napi_throw_error(env, "ENOMEM", "cannot create completion callback");
    return NULL;
  }
  int r = tx_paced_start(&sh->s, pps, (uint64_t)count, (uint64_t)(ms * 1e6), paced_done, sh);
  if (r < 0) {
    napi_release_threadsafe_function(sh->done_fn, napi_tsfn_abort);
    throw_errno(env, "cannot start pacing thread", r);
    return NULL;
  }
  return undefined(env);
}

static napi_value paced_stop(napi_env env, napi_callback_info info) {
  ARGS(1);
  stream_handle *sh;
  if (!arg_handle(env, argv[0], "stream", &STREAM_TAG, (void **)&sh)) return NULL;
  if (sh->tx) tx_paced_stop(&sh->s);
  return undefined(env);
}

/* ---------- receive ---------- */

static void rx_deliver_off(napi_env env, rx_handle *h) {
  (void)env;
  if (!h->deliver_fn) return;
  if (h->open) rx_set_deliver(&h->ring, NULL, NULL);
  napi_release_threadsafe_function(h->deliver_fn, napi_tsfn_release);
  h->deliver_fn = NULL;
}

static void rx_shutdown(napi_env env, rx_handle *h) {
  if (h->closed) return;
  h->closed = 1;
  rx_deliver_off(env, h);
  if (h->open) rx_close(&h->ring);
  h->open = 0;
}

static void rx_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  rx_shutdown(env, data);
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
  if (!opt_int(env, s, "seqOffset", 0, 65535, &seq) || !opt_int(env, s, "seqBytes", 2, 8, &seq_bytes) ||
      !opt_int(env, s, "tsFormat", 0, 1, &ts_format) ||
      !opt_int(env, s, "streamOffset", 0, 65535, &stream) || !opt_int(env, s, "tsOffset", 0, 65535, &ts) ||
      !opt_int(env, s, "magicOffset", 0, 65535, &magic_off) || !opt_int(env, s, "magic", 0, 4294967295.0, &magic))
    return 0;
  if (seq < 0 || (seq_bytes != 2 && seq_bytes != 4 && seq_bytes != 8)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "signature needs seqOffset, and seqBytes 2, 4 or 8");
    return 0;
  }
  *sig = (rx_signature){1, (int32_t)magic_off, (uint32_t)magic, (int32_t)stream, (int32_t)seq, (int32_t)ts,
                        (uint32_t)seq_bytes, (uint32_t)ts_format};
  return 1;
}

/* rxOpen(ifname, { netns?, filter?, blockBytes?, blocks?, blockTimeoutMs?, promisc?, maxStreams?,
 *                  signature? }) — the reader thread starts with rxStart. */
static napi_value rx_open_js(napi_env env, napi_callback_info info) {
  ARGS(2);
  char ifname[64], nsbuf[256];
  const char *netns;
  napi_value opts, fv;
  int has_opts, has_filter;
  if (!arg_string(env, argv[0], "ifname", ifname, sizeof ifname)) return NULL;
  if (!arg_options(env, argv[1], "options", &opts, &has_opts)) return NULL;
  rx_config cfg = {.block_bytes = 1 << 20, .blocks = 64, .block_timeout_ms = 8, .max_streams = 1024};
  double bb = cfg.block_bytes, nb = cfg.blocks, tov = cfg.block_timeout_ms, ms = cfg.max_streams;
  if (!opt_netns(env, opts, nsbuf, sizeof nsbuf, &netns) || !opt_int(env, opts, "blockBytes", 4096, 1 << 26, &bb) ||
      !opt_int(env, opts, "blocks", 1, 65536, &nb) || !opt_int(env, opts, "blockTimeoutMs", 1, 1000, &tov) ||
      !opt_int(env, opts, "maxStreams", 1, 1 << 20, &ms) || !opt_bool(env, opts, "promisc", &cfg.promisc) ||
      !opt_signature(env, opts, &cfg.sig) || !opt_prop(env, opts, "filter", &fv, &has_filter))
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
  int r = h ? rx_open(&h->ring, ifname, netns, &prog, &cfg, &why) : -ENOMEM;
  if (has_filter) free(prog.filter);
  if (r < 0) {
    if (h) rx_close(&h->ring);
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
  int r = rx_start(&h->ring);
  if (r < 0) {
    throw_errno(env, "cannot start reader thread", r);
    return NULL;
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
  (void)ctx;
  rx_batch *b = data;
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
}

/* Reader thread, under the ring lock. */
static int deliver_native(rx_ring *r, rx_batch *b) {
  rx_handle *h = r->user;
  return napi_call_threadsafe_function(h->deliver_fn, b, napi_tsfn_nonblocking) == napi_ok ? 0 : -1;
}

/* rxDeliver(receiver, onBatch | null): copies of matching frames, in batches, while set. */
static napi_value rx_deliver(napi_env env, napi_callback_info info) {
  ARGS(2);
  rx_handle *h = open_rx(env, argv[0]);
  if (!h) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_null && t != napi_undefined && !arg_function(env, argv[1], "onBatch")) return NULL;
  rx_deliver_off(env, h);
  if (t == napi_function) {
    napi_value name;
    napi_create_string_utf8(env, "netspotter-rx", NAPI_AUTO_LENGTH, &name);
    if (napi_create_threadsafe_function(env, argv[1], NULL, name, 64, 1, NULL, NULL, NULL, deliver_call_js,
                                        &h->deliver_fn) != napi_ok) {
      napi_throw_error(env, "ENOMEM", "cannot create delivery callback");
      return NULL;
    }
    rx_set_deliver(&h->ring, deliver_native, h);
  }
  return undefined(env);
}

static napi_value rx_stats_js(napi_env env, napi_callback_info info) {
  ARGS(1);
  rx_handle *h = open_rx(env, argv[0]);
  if (!h) return NULL;
  rx_ring *r = &h->ring;
  rx_read_kernel_stats(r);
  napi_value o, k, ts, lat, streams;
  napi_create_object(env, &o);
  napi_create_object(env, &k);
  napi_create_object(env, &ts);
  napi_create_object(env, &lat);
  napi_create_array(env, &streams);
  pthread_mutex_lock(&r->lock);
  set_num(env, o, "seen", (double)r->seen);
  set_num(env, o, "bytes", (double)r->bytes);
  set_num(env, o, "matched", (double)r->matched);
  set_num(env, o, "badSignature", (double)r->bad_signature);
  set_num(env, o, "delivered", (double)r->delivered);
  set_num(env, o, "deliveryDrops", (double)r->delivery_drops);
  set_num(env, k, "packets", (double)r->k_packets);
  set_num(env, k, "drops", (double)r->k_drops);
  set_num(env, k, "freezeQueueCount", (double)r->k_freeze);
  set_num(env, ts, "hardware", (double)r->ts_hw);
  set_num(env, ts, "software", (double)r->ts_sw);
  set_num(env, lat, "count", (double)r->latency.count);
  set_num(env, lat, "p50Ns", (double)hist_quantile(&r->latency, 0.5));
  set_num(env, lat, "p99Ns", (double)hist_quantile(&r->latency, 0.99));
  set_num(env, o, "streamOverflow", (double)r->streams.overflow);
  uint32_t n = 0;
  for (uint32_t i = 0; r->sig.enabled && i < r->streams.capacity; i++) {
    const stream_track *s = &r->streams.slots[i];
    if (!s->used) continue;
    napi_value so, sl;
    napi_create_object(env, &so);
    napi_create_object(env, &sl);
    set_num(env, so, "streamId", s->stream_id);
    set_num(env, so, "received", (double)s->received);
    set_num(env, so, "lost", (double)track_lost(s));
    set_num(env, so, "duplicates", (double)s->duplicates);
    set_num(env, so, "reordered", (double)s->reordered);
    set_num(env, so, "late", (double)s->late);
    set_num(env, so, "firstSeq", (double)s->first_seq);
    set_num(env, so, "maxSeq", (double)s->max_seq);
    set_num(env, sl, "count", (double)s->lat_count);
    set_num(env, sl, "minNs", (double)s->lat_min);
    set_num(env, sl, "maxNs", (double)s->lat_max);
    set_num(env, sl, "meanNs", s->lat_count ? s->lat_sum / (double)s->lat_count : 0);
    set_num(env, sl, "jitterNs", s->jitter);
    set_val(env, so, "latency", sl);
    napi_set_element(env, streams, n++, so);
  }
  pthread_mutex_unlock(&r->lock);
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
  rx_shutdown(env, h);
  return undefined(env);
}

/* ---------- module ---------- */

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"probe", probe},           {"txOpen", tx_open},
      {"txClose", tx_close},      {"txStats", tx_stats},             {"txSendFrames", tx_send_frames_js},             {"streamCreate", stream_create},
      {"streamSend", stream_send}, {"streamSeq", stream_seq},        {"streamClose", stream_close},
      {"pacedStart", paced_start}, {"pacedStop", paced_stop},        {"rxOpen", rx_open_js},
      {"rxStart", rx_start_js},   {"rxDeliver", rx_deliver},         {"rxStats", rx_stats_js},
      {"rxClose", rx_close_js},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
