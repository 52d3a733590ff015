/* Receive side: a TPACKET_V3 ring with a classic BPF filter attached before bind, walked by one
 * native reader thread that counts, tracks streams and batches matched frames for JS. Several rings
 * can share an interface's frames through a PACKET_FANOUT group (a reader thread each). */
#ifndef NS_RX_H
#define NS_RX_H
#include <linux/filter.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "histogram.h"
#include "seqtrack.h"

#define RX_BATCH_FRAMES 1024
#define RX_BATCH_BYTES (256 * 1024)

/* Allocated whole while it fills; handed over trimmed to its used data (rx_batch_size), since at low
 * rates a batch leaves after its 10 ms with a frame or two in it. */
typedef struct {
  uint32_t count, used;
  uint32_t offset[RX_BATCH_FRAMES], caplen[RX_BATCH_FRAMES], wirelen[RX_BATCH_FRAMES];
  uint64_t ts_ns[RX_BATCH_FRAMES];
  uint8_t data[RX_BATCH_BYTES];
} rx_batch;

static inline size_t rx_batch_size(const rx_batch *b) { return offsetof(rx_batch, data) + b->used; }

typedef struct {
  int enabled;
  int32_t magic_off; /* -1: no magic check */
  uint32_t magic;
  int32_t stream_off, seq_off, ts_off; /* stream/ts may be -1 */
  uint32_t seq_bytes;                  /* 2, 4 or 8; shorter ones are unwrapped per stream */
  uint32_t ts_format;                  /* enum ts_format */
  track_config track;
} rx_signature;

typedef struct rx_ring rx_ring;
/* Called on the reader thread with a full batch; takes ownership, returns 0 if the batch was
 * queued or -1 if the consumer is full (the ring then counts the frames as delivery drops). */
typedef int (*rx_deliver_fn)(rx_ring *r, rx_batch *b);

enum rx_fanout { RX_FANOUT_NONE, RX_FANOUT_NEW, RX_FANOUT_JOIN };

typedef struct {
  uint32_t block_bytes, blocks, block_timeout_ms, max_streams;
  int promisc;
  rx_signature sig;
  enum rx_fanout fanout;
  uint16_t fanout_id; /* the group to join (RX_FANOUT_JOIN) */
} rx_config;

struct rx_ring {
  int fd;
  uint16_t fanout_id; /* the kernel-assigned group id (RX_FANOUT_NEW) */
  uint8_t *map;
  size_t map_len;
  uint32_t block_bytes, blocks, cur;
  rx_signature sig;
  pthread_t thread;
  int thread_live;
  volatile int stop;
  pthread_mutex_t lock; /* guards everything below */
  uint64_t seen, bytes, matched, bad_signature, delivered, delivery_drops;
  uint64_t k_packets, k_drops, k_freeze; /* PACKET_STATISTICS, accumulated (reads reset them) */
  uint64_t ts_hw, ts_sw;
  uint64_t cpu_ns; /* the reader thread's CPU time spent walking blocks */
  stream_table streams;
  histogram latency; /* all streams, ns; negative transits are clamped to 0 */
  rx_batch *pending;
  uint64_t pending_since;
  rx_deliver_fn deliver; /* set while JS consumes frames */
  void *user;
};

/* 0 or -errno; *why gets a static message for the failing step. */
int rx_open(rx_ring *r, const char *ifname, const char *netns, const struct sock_fprog *filter, const rx_config *cfg,
            const char **why);
int rx_start(rx_ring *r);
void rx_set_deliver(rx_ring *r, rx_deliver_fn fn, void *user);
/* Folds the kernel counters into the ring (call under no lock). */
void rx_read_kernel_stats(rx_ring *r);
void rx_close(rx_ring *r);
#endif
