#define _GNU_SOURCE
#include "rx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "wire.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#define FLUSH_NS 10000000ull /* hand a partial batch to JS after 10 ms */

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Joins (or creates, with a kernel-chosen id) a flow-hash fanout group: each flow lands in one ring. */
static int join_fanout(rx_ring *r, int fd, const rx_config *cfg) {
  uint32_t arg = (uint32_t)PACKET_FANOUT_HASH << 16;
  if (cfg->fanout == RX_FANOUT_NEW)
    arg |= (uint32_t)PACKET_FANOUT_FLAG_UNIQUEID << 16;
  else
    arg |= cfg->fanout_id;
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0) return -errno;
  socklen_t len = sizeof arg;
  if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0) return -errno;
  r->fanout_id = (uint16_t)(arg & 0xffff);
  return 0;
}

static int setup(rx_ring *r, int fd, int ifindex, const struct sock_fprog *filter, const rx_config *cfg,
                 const char **why) {
  /* The socket was made with protocol 0, so nothing reaches it before bind: the filter and the ring
   * are in place before the first frame can land. A fanout member takes nothing until it is in the
   * group (bound alone it would see every frame, doubling the group's), so it starts refusing all. */
  struct sock_filter refuse = BPF_STMT(BPF_RET | BPF_K, 0);
  struct sock_fprog nothing = {1, &refuse};
  *why = "SO_ATTACH_FILTER";
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, cfg->fanout ? &nothing : filter, sizeof *filter) < 0)
    return -errno;
  int v3 = TPACKET_V3;
  *why = "PACKET_VERSION";
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v3, sizeof v3) < 0) return -errno;
  /* Timestamps: hardware when the NIC stamps, else software (the ring reports which per frame). */
  int tsreq = SOF_TIMESTAMPING_RAW_HARDWARE;
  setsockopt(fd, SOL_PACKET, PACKET_TIMESTAMP, &tsreq, sizeof tsreq);
  int so_ts = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RX_HARDWARE |
              SOF_TIMESTAMPING_RAW_HARDWARE;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &so_ts, sizeof so_ts);
  int one = 1;
  *why = "PACKET_IGNORE_OUTGOING";
  if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0 && errno != ENOPROTOOPT)
    return -errno;
  struct tpacket_req3 req = {
      .tp_block_size = cfg->block_bytes,
      .tp_block_nr = cfg->blocks,
      .tp_frame_size = 2048,
      .tp_frame_nr = (cfg->block_bytes / 2048) * cfg->blocks,
      .tp_retire_blk_tov = cfg->block_timeout_ms,
  };
  *why = "PACKET_RX_RING";
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) return -errno;
  r->map_len = (size_t)cfg->block_bytes * cfg->blocks;
  *why = "mmap";
  r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (r->map == MAP_FAILED) {
    r->map = NULL;
    return -errno;
  }
  struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
  *why = "bind";
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) return -errno;
  if (cfg->promisc) {
    struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
    *why = "PACKET_ADD_MEMBERSHIP";
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) return -errno;
  }
  if (cfg->fanout) {
    *why = "PACKET_FANOUT";
    int e = join_fanout(r, fd, cfg);
    if (e < 0) return e;
    *why = "SO_ATTACH_FILTER";
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter, sizeof *filter) < 0) return -errno;
  }
  return 0;
}

int rx_open(rx_ring *r, const char *ifname, const char *netns, const struct sock_fprog *filter, const rx_config *cfg,
            const char **why) {
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->block_bytes = cfg->block_bytes;
  r->blocks = cfg->blocks;
  r->sig = cfg->sig;
  pthread_mutex_init(&r->lock, NULL);
  int res = 0;
  if (cfg->sig.enabled) {
    *why = "stream table";
    res = streams_init(&r->streams, cfg->max_streams);
    if (res < 0) return res;
  }
  int saved;
  *why = "setns";
  res = netns_enter(netns, &saved);
  if (res < 0) return res;
  *why = "socket";
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) res = -errno;
  int idx = 0;
  if (res == 0) {
    *why = "interface";
    idx = (int)if_nametoindex(ifname);
    if (idx == 0) res = -ENODEV;
  }
  r->fd = fd;
  if (res == 0) res = setup(r, fd, idx, filter, cfg, why);
  int back = netns_leave(saved);
  if (res == 0 && back < 0) {
    *why = "setns back";
    res = back;
  }
  return res;
}

static void flush_pending(rx_ring *r) {
  rx_batch *b = r->pending;
  if (!b || b->count == 0) return;
  r->pending = NULL;
  uint32_t n = b->count; /* once handed over, b belongs to the JS thread */
  rx_batch *trimmed = realloc(b, rx_batch_size(b));
  if (trimmed) b = trimmed;
  if (r->deliver && r->deliver(r, b) == 0) {
    r->delivered += n;
  } else {
    r->delivery_drops += n;
    free(b);
  }
}

static void keep_frame(rx_ring *r, const uint8_t *data, uint32_t caplen, uint32_t wirelen, uint64_t ts) {
  rx_batch *b = r->pending;
  if (b && (b->count == RX_BATCH_FRAMES || b->used + caplen > RX_BATCH_BYTES)) {
    flush_pending(r);
    b = NULL;
  }
  if (!b) {
    b = malloc(sizeof *b);
    if (!b) {
      r->delivery_drops++;
      return;
    }
    b->count = b->used = 0;
    r->pending = b;
    r->pending_since = mono_ns();
  }
  if (caplen > RX_BATCH_BYTES) caplen = RX_BATCH_BYTES;
  memcpy(b->data + b->used, data, caplen);
  b->offset[b->count] = b->used;
  b->caplen[b->count] = caplen;
  b->wirelen[b->count] = wirelen;
  b->ts_ns[b->count] = ts;
  b->used += caplen;
  b->count++;
}

/* Extends a 16/32-bit wire seq to 64 bits: the value nearest to the highest seq seen so far. */
static uint64_t unwrap_seq(const stream_track *s, uint64_t raw, uint32_t bytes) {
  if (bytes >= 8 || s->first_seq == UINT64_MAX) return raw;
  uint64_t span = 1ull << (8 * bytes), c = (s->max_seq & ~(span - 1)) | raw;
  if (c + span / 2 < s->max_seq)
    c += span;
  else if (c > s->max_seq + span / 2 && c >= span)
    c -= span;
  return c;
}

static void on_signature(rx_ring *r, const uint8_t *d, uint32_t caplen, uint64_t ts) {
  const rx_signature *g = &r->sig;
  int32_t need = g->seq_off + (int32_t)g->seq_bytes;
  if (g->magic_off >= 0) {
    if ((uint32_t)g->magic_off + 4 > caplen || get_be(d + g->magic_off, 4) != g->magic) return;
    if (g->magic_off + 4 > need) need = g->magic_off + 4;
  }
  if (g->stream_off >= 0 && g->stream_off + 4 > need) need = g->stream_off + 4;
  if (g->ts_off >= 0 && g->ts_off + 8 > need) need = g->ts_off + 8;
  if ((uint32_t)need > caplen) {
    r->bad_signature++;
    return;
  }
  r->matched++;
  uint32_t id = g->stream_off >= 0 ? (uint32_t)get_be(d + g->stream_off, 4) : 0;
  stream_track *s = streams_get(&r->streams, id);
  if (!s) return;
  /* A duplicate adds nothing but its count: its latency was taken from the original. */
  if (!track_seq(s, unwrap_seq(s, get_be(d + g->seq_off, g->seq_bytes), g->seq_bytes))) return;
  int has_tx = g->ts_off >= 0;
  int64_t transit = has_tx ? (int64_t)(ts - ts_get(d + g->ts_off, g->ts_format)) : 0;
  if (track_arrival(s, &g->track, ts, has_tx, transit) < 0) r->streams.alloc_failures++;
  if (has_tx) hist_add(&r->latency, transit < 0 ? 0 : (uint64_t)transit);
}

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void walk_block(rx_ring *r, struct tpacket_block_desc *bd) {
  uint64_t cpu0 = thread_cpu_ns();
  uint32_t n = bd->hdr.bh1.num_pkts;
  struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
  pthread_mutex_lock(&r->lock);
  for (uint32_t i = 0; i < n; i++, h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset)) {
    /* PACKET_IGNORE_OUTGOING keeps our own sends out; kernels before 4.20 lack it, so check too. */
    const struct sockaddr_ll *sll =
        (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
    if (sll->sll_pkttype == PACKET_OUTGOING) continue;
    const uint8_t *data = (const uint8_t *)h + h->tp_mac;
    uint64_t ts = (uint64_t)h->tp_sec * 1000000000ull + h->tp_nsec;
    if (h->tp_status & TP_STATUS_TS_RAW_HARDWARE)
      r->ts_hw++;
    else
      r->ts_sw++;
    r->seen++;
    r->bytes += h->tp_len;
    if (r->sig.enabled) on_signature(r, data, h->tp_snaplen, ts);
    if (r->deliver) keep_frame(r, data, h->tp_snaplen, h->tp_len, ts);
  }
  if (r->pending && mono_ns() - r->pending_since > FLUSH_NS) flush_pending(r);
  r->cpu_ns += thread_cpu_ns() - cpu0;
  pthread_mutex_unlock(&r->lock);
}

static void *reader_main(void *arg) {
  rx_ring *r = arg;
  while (!r->stop) {
    struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(r->map + (size_t)r->cur * r->block_bytes);
    if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
      pthread_mutex_lock(&r->lock);
      flush_pending(r);
      pthread_mutex_unlock(&r->lock);
      struct pollfd p = {.fd = r->fd, .events = POLLIN | POLLERR};
      poll(&p, 1, 50);
      continue;
    }
    walk_block(r, bd);
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    r->cur = (r->cur + 1) % r->blocks;
  }
  return NULL;
}

int rx_start(rx_ring *r) {
  if (r->thread_live) return 0;
  r->stop = 0;
  int e = pthread_create(&r->thread, NULL, reader_main, r);
  if (e) return -e;
  r->thread_live = 1;
  return 0;
}

void rx_set_deliver(rx_ring *r, rx_deliver_fn fn, void *user) {
  pthread_mutex_lock(&r->lock);
  if (!fn) {
    free(r->pending);
    r->pending = NULL;
  }
  r->deliver = fn;
  r->user = user;
  pthread_mutex_unlock(&r->lock);
}

void rx_read_kernel_stats(rx_ring *r) {
  struct tpacket_stats_v3 st;
  socklen_t len = sizeof st;
  if (r->fd < 0 || getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) return;
  pthread_mutex_lock(&r->lock);
  r->k_packets += st.tp_packets;
  r->k_drops += st.tp_drops;
  r->k_freeze += st.tp_freeze_q_cnt;
  pthread_mutex_unlock(&r->lock);
}

void rx_close(rx_ring *r) {
  if (r->thread_live) {
    r->stop = 1;
    pthread_join(r->thread, NULL);
    r->thread_live = 0;
  }
  free(r->pending);
  r->pending = NULL;
  if (r->map) munmap(r->map, r->map_len);
  r->map = NULL;
  if (r->fd >= 0) close(r->fd);
  r->fd = -1;
  streams_free(&r->streams);
  pthread_mutex_destroy(&r->lock);
}
