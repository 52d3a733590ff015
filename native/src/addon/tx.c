#define _GNU_SOURCE
#include "tx.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"

static uint64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define RING_BLOCK (1u << 20)
#define RING_DATA 32 /* TPACKET_ALIGN(sizeof(struct tpacket2_hdr)): where the slot's data starts */

/* Each slot's data is a virtio_net_hdr, then the frame. The kernel builds a TX ring frame's skb by copying
 * hdr_len bytes (at least the link header) and attaching the rest of the slot's page as a fragment: zero
 * copy for a NIC's DMA, but a veth peer (or any software receiver) must then pull the IPv6/UDP headers out
 * of the fragment, and the slot stays busy until that skb is freed. That made the ring 0.93x sendmmsg on
 * veth, as trafgen's ring is. hdr_len = the whole frame gives a linear skb, and the ring keeps what it is
 * for: no per-frame system call work (sendmmsg copies and checks a msghdr and an iovec per frame). */
static void put_vnet_hdr(uint8_t *p, uint32_t frame_len) {
  memset(p, 0, VNET_HDR);
  p[2] = (uint8_t)frame_len; /* hdr_len, little-endian (virtio's legacy byte order on the host) */
  p[3] = (uint8_t)(frame_len >> 8);
}

static int setup_ring(tx_socket *sock, int fd, uint32_t frames) {
  uint32_t per_block = RING_BLOCK / TX_RING_FRAME, blocks = (frames + per_block - 1) / per_block;
  int v2 = TPACKET_V2, one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof v2) < 0) return -errno;
  if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0) return -errno; /* before the ring */
  struct tpacket_req req = {RING_BLOCK, blocks, TX_RING_FRAME, blocks * per_block};
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0) return -errno;
  sock->ring_len = (size_t)blocks * RING_BLOCK;
  sock->ring = mmap(NULL, sock->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (sock->ring == MAP_FAILED) {
    sock->ring = NULL;
    return -errno;
  }
  sock->ring_frames = blocks * per_block;
  return 0;
}

int tx_socket_open(tx_socket *sock, const char *ifname, const char *netns, int qdisc_bypass, uint32_t ring_frames) {
  memset(sock, 0, sizeof *sock);
  sock->fd = -1;
  pthread_mutex_init(&sock->ring_lock, NULL);
  int saved, r = netns_enter(netns, &saved);
  if (r < 0) return r;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  int idx = fd >= 0 ? (int)if_nametoindex(ifname) : 0;
  r = fd < 0 ? -errno : idx == 0 ? -ENODEV : 0;
  if (r == 0 && ring_frames) r = setup_ring(sock, fd, ring_frames); /* the ring must exist before bind */
  if (r == 0) {
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = idx};
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) r = -errno;
  }
  if (r == 0 && qdisc_bypass) {
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) r = -errno;
  }
  int back = netns_leave(saved);
  if (r == 0) r = back;
  sock->fd = fd;
  if (r < 0) {
    tx_socket_close(sock);
    return r;
  }
  sock->ifindex = idx;
  return 0;
}

void tx_socket_close(tx_socket *sock) {
  if (sock->ring) munmap(sock->ring, sock->ring_len);
  sock->ring = NULL;
  if (sock->fd >= 0) close(sock->fd);
  sock->fd = -1;
}

int tx_stream_init(tx_stream *s, tx_socket *sock, frame_template *tpl, uint32_t batch, uint64_t first_seq) {
  memset(s, 0, sizeof *s);
  s->sock = sock;
  s->tpl = *tpl;
  s->batch = batch;
  s->next_seq = first_seq;
  s->slots = malloc((size_t)batch * tpl->len);
  s->iov = calloc(batch, sizeof *s->iov);
  s->msgs = calloc(batch, sizeof *s->msgs);
  if (!s->slots || !s->iov || !s->msgs) {
    tx_stream_free(s);
    return -ENOMEM;
  }
  for (uint32_t i = 0; i < batch; i++) {
    s->iov[i].iov_base = s->slots + (size_t)i * tpl->len;
    s->iov[i].iov_len = tpl->len;
    s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
    s->msgs[i].msg_hdr.msg_iovlen = 1;
  }
  return 0;
}

void tx_stream_free(tx_stream *s) {
  template_free(&s->tpl);
  free(s->slots);
  free(s->iov);
  free(s->msgs);
  s->slots = NULL;
  s->iov = NULL;
  s->msgs = NULL;
}


/* Waits for room in the device queue; ENOBUFS/EAGAIN mean "queue full", not failure. */
static void wait_room(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  if (poll(&p, 1, 1) <= 0) sched_yield();
}

/* Asks the kernel to send every slot marked SEND_REQUEST; EAGAIN/ENOBUFS leave them for later. */
static int ring_flush(tx_socket *sock, int flags, uint64_t *bp) {
  for (;;) {
    if (send(sock->fd, NULL, 0, flags) >= 0) return 0;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == ENOBUFS) {
      (*bp)++;
      return 0;
    }
    return -errno;
  }
}

/* Writes frame i of a batch into dst; returns its length. */
typedef uint32_t (*fill_fn)(void *ctx, uint64_t i, uint8_t *dst);

static void count_done(tx_socket *sock, uint64_t bp, int err) {
  if (err) __atomic_add_fetch(&sock->errors, 1, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sock->backpressure, bp, __ATOMIC_RELAXED);
}

/* Queues count frames into the TX ring, flushing every `batch`; callers checked the lengths fit. */
static uint64_t ring_send(tx_socket *sock, fill_fn fill, void *ctx, uint64_t count, uint32_t batch,
                          const volatile int *stop, uint64_t *bp, int *err) {
  uint64_t done = 0;
  pthread_mutex_lock(&sock->ring_lock);
  while (done < count && !(stop && *stop) && !*err) {
    uint32_t n = count - done < batch ? (uint32_t)(count - done) : batch, queued = 0;
    while (queued < n) {
      struct tpacket2_hdr *h = (struct tpacket2_hdr *)(sock->ring + (size_t)sock->head * TX_RING_FRAME);
      uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
      if (st == TP_STATUS_WRONG_FORMAT) {
        *err = -EINVAL;
        break;
      }
      if (st != TP_STATUS_AVAILABLE) { /* ring full: push what is queued and wait for room */
        if ((*err = ring_flush(sock, MSG_DONTWAIT, bp)) < 0 || (stop && *stop)) break;
        wait_room(sock->fd);
        continue;
      }
      uint8_t *slot = (uint8_t *)h + RING_DATA;
      uint32_t len = fill(ctx, done + queued, slot + VNET_HDR);
      put_vnet_hdr(slot, len);
      h->tp_len = VNET_HDR + len;
      __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
      sock->head = (sock->head + 1) % sock->ring_frames;
      queued++;
    }
    if (!*err) *err = ring_flush(sock, MSG_DONTWAIT, bp);
    done += queued;
    __atomic_add_fetch(&sock->sent, queued, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sock->batches, 1, __ATOMIC_RELAXED);
  }
  /* Nothing may stay queued in the ring after the call: retry the flush until the kernel takes it all
   * (a blocking flush would also wait for completions, a scheduler tick on veth). */
  for (uint64_t before = *bp + 1; !*err && before != *bp && !(stop && *stop);) {
    before = *bp;
    *err = ring_flush(sock, MSG_DONTWAIT, bp);
    if (*bp != before) wait_room(sock->fd);
  }
  pthread_mutex_unlock(&sock->ring_lock);
  return done;
}

/* sendmmsg until all n messages are taken, a hard error, or stop; returns how many were sent. */
static uint32_t send_msgs(tx_socket *sock, struct mmsghdr *msgs, uint32_t n, const volatile int *stop, uint64_t *bp,
                          int *err) {
  uint32_t k = 0;
  while (k < n) {
    int r = sendmmsg(sock->fd, msgs + k, n - k, 0);
    if (r >= 0) {
      k += (uint32_t)r;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != ENOBUFS) {
      *err = -errno;
      break;
    }
    (*bp)++;
    if (stop && *stop) break;
    wait_room(sock->fd);
  }
  __atomic_add_fetch(&sock->sent, k, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sock->batches, 1, __ATOMIC_RELAXED);
  return k;
}

typedef struct {
  tx_stream *s;
  int has_ts;
} emit_ctx;

static uint32_t fill_template(void *ctx, uint64_t i, uint8_t *dst) {
  emit_ctx *c = ctx;
  template_emit(&c->s->tpl, dst, c->s->next_seq + i, c->has_ts ? now_ns(CLOCK_REALTIME) : 0);
  return c->s->tpl.len;
}

uint64_t tx_send(tx_stream *s, uint64_t count, const volatile int *stop, uint64_t *backpressure, int *err) {
  tx_socket *sock = s->sock;
  uint64_t done = 0, bp = 0;
  emit_ctx ctx = {s, s->tpl.at.ts_off != TPL_NONE};
  *err = 0;
  if (sock->ring) {
    if (s->tpl.len > TX_RING_MAX_FRAME)
      *err = -EMSGSIZE;
    else
      done = ring_send(sock, fill_template, &ctx, count, s->batch, stop, &bp, err);
    s->next_seq += done;
  }
  while (!sock->ring && done < count && !(stop && *stop)) {
    uint32_t n = count - done < s->batch ? (uint32_t)(count - done) : s->batch;
    for (uint32_t i = 0; i < n; i++) fill_template(&ctx, i, s->slots + (size_t)i * s->tpl.len);
    uint32_t k = send_msgs(sock, s->msgs, n, stop, &bp, err);
    s->next_seq += k;
    done += k;
    if (*err || k < n) break;
  }
  count_done(sock, bp, *err);
  if (backpressure) *backpressure += bp;
  return done;
}

static uint32_t fill_copy(void *ctx, uint64_t i, uint8_t *dst) {
  const struct iovec *f = (const struct iovec *)ctx + i;
  memcpy(dst, f->iov_base, f->iov_len);
  return (uint32_t)f->iov_len;
}

uint64_t tx_send_frames(tx_socket *sock, const struct iovec *frames, uint32_t n, int *err) {
  uint64_t bp = 0, done = 0;
  *err = 0;
  if (sock->ring) {
    for (uint32_t i = 0; i < n && !*err; i++)
      if (frames[i].iov_len > TX_RING_MAX_FRAME) *err = -EMSGSIZE;
    if (!*err) done = ring_send(sock, fill_copy, (void *)frames, n, 256, NULL, &bp, err);
  } else {
    struct mmsghdr *msgs = calloc(n ? n : 1, sizeof *msgs);
    if (!msgs) *err = -ENOMEM;
    for (uint32_t i = 0; msgs && i < n; i++) {
      msgs[i].msg_hdr.msg_iov = (struct iovec *)&frames[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (uint32_t at = 0; msgs && at < n && !*err;) {
      uint32_t chunk = n - at < 1024 ? n - at : 1024, k = send_msgs(sock, msgs + at, chunk, NULL, &bp, err);
      at += k;
      done += k;
    }
    free(msgs);
  }
  count_done(sock, bp, *err);
  return done;
}

/* Sleeps to within ~100 µs of the deadline, then spins: sleeps alone wake 50+ µs late in a VM. */
static void wait_until(uint64_t deadline, const volatile int *stop) {
  for (;;) {
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    if (now >= deadline || *stop) return;
    uint64_t rem = deadline - now;
    if (rem > 200000) {
      uint64_t wake = deadline - 100000;
      if (wake - now > 100000000) wake = now + 100000000; /* re-check stop every 100 ms */
      struct timespec ts = {.tv_sec = (time_t)(wake / 1000000000ull), .tv_nsec = (long)(wake % 1000000000ull)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    } else {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
}

static void *paced_main(void *arg) {
  tx_stream *s = arg;
  prctl(PR_SET_TIMERSLACK, 1UL);
  /* Release B frames per deadline, B sized for ~100 µs gaps, down to 1 frame at low rates. */
  uint64_t b = s->pps > 0 ? (uint64_t)(s->pps * 100e-6) : s->batch;
  if (b < 1) b = 1;
  if (b > s->batch) b = s->batch;
  uint64_t t0 = now_ns(CLOCK_MONOTONIC), k = 0, late_sum = 0, bp = 0;
  uint64_t end = s->duration_ns ? t0 + s->duration_ns : 0;
  int err = 0;
  while (!s->stop && !err) {
    uint64_t n = b;
    if (s->count) {
      if (k >= s->count) break;
      if (s->count - k < n) n = s->count - k;
    }
    if (s->pps > 0) {
      /* Absolute schedule: lateness is carried forward, never accumulated as drift. */
      uint64_t deadline = t0 + (uint64_t)((double)k * 1e9 / s->pps);
      if (end && deadline >= end) break;
      wait_until(deadline, &s->stop);
      if (s->stop) break;
      uint64_t late = now_ns(CLOCK_MONOTONIC) - deadline;
      hist_add(&s->lateness, late);
      late_sum += late;
      if (late > s->result.late_max_ns) s->result.late_max_ns = late;
    } else if (end && now_ns(CLOCK_MONOTONIC) >= end) {
      break;
    }
    k += tx_send(s, n, &s->stop, &bp, &err);
  }
  s->result.sent = k;
  s->result.backpressure = bp;
  s->result.error = err;
  s->result.duration_ns = now_ns(CLOCK_MONOTONIC) - t0;
  s->result.late_p99_ns = hist_quantile(&s->lateness, 0.99);
  s->result.late_mean_ns = s->lateness.count ? late_sum / s->lateness.count : 0;
  if (s->on_done) s->on_done(s);
  return NULL;
}

int tx_paced_start(tx_stream *s, double pps, uint64_t count, uint64_t duration_ns, paced_done_fn done, void *user) {
  s->pps = pps;
  s->count = count;
  s->duration_ns = duration_ns;
  s->stop = 0;
  s->on_done = done;
  s->user = user;
  memset(&s->result, 0, sizeof s->result);
  memset(&s->lateness, 0, sizeof s->lateness);
  int r = pthread_create(&s->thread, NULL, paced_main, s);
  if (r != 0) return -r;
  s->thread_live = 1;
  s->busy = 1;
  return 0;
}

void tx_paced_stop(tx_stream *s) {
  if (!s->thread_live) return;
  s->stop = 1;
  pthread_join(s->thread, NULL);
  s->thread_live = 0;
  s->busy = 0;
}
