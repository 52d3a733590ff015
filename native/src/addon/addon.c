/* N-API bindings of the packet engine. Handles are type-tagged externals, so a wrong or foreign
 * object raises a TypeError instead of being dereferenced. All JS calls happen on the JS thread;
 * the pacing and reader threads talk back only through thread-safe functions. */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "rx_js.h"
#include "tx.h"
#include "wire.h"

#define MAX_BATCH 1024
#define MAX_SEND 1048576
#define SEQ_MAX 9007199254740991.0 /* 2^53 - 1: sequence numbers cross the boundary as JS numbers */

static const napi_type_tag TX_TAG = {0x6e657473706f7474ull, 0x0000000000000001ull};
static const napi_type_tag STREAM_TAG = {0x6e657473706f7474ull, 0x0000000000000002ull};

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

/* ---------- probe ---------- */

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

/* ---------- module ---------- */

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"probe", probe},           {"txOpen", tx_open},
      {"txClose", tx_close},      {"txStats", tx_stats},             {"txSendFrames", tx_send_frames_js},             {"streamCreate", stream_create},
      {"streamSend", stream_send}, {"streamSeq", stream_seq},        {"streamClose", stream_close},
      {"pacedStart", paced_start}, {"pacedStop", paced_stop},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  rx_js_register(env, exports);
  return exports;
}
