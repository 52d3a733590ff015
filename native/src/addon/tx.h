/* Transmit side: one AF_PACKET socket (protocol 0, so it never receives) per engine, streams that
 * emit a compiled template in sendmmsg batches, and a pacing thread per running stream. */
#ifndef NS_TX_H
#define NS_TX_H
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "frame_template.h"
#include "histogram.h"

#define TX_RING_FRAME 2048 /* TPACKET_V2 TX ring slot */
#define VNET_HDR 10        /* struct virtio_net_hdr before each frame in a slot */
#define TX_RING_MAX_FRAME (TX_RING_FRAME - 32 - VNET_HDR) /* 2006 bytes */

typedef struct {
  int fd;
  int ifindex;
  /* Counters shared by all streams of this socket; updated with relaxed atomics. */
  uint64_t sent, batches, backpressure, errors;
  /* Optional PACKET_TX_RING (TPACKET_V2), shared by the streams of this socket under ring_lock. */
  uint8_t *ring;
  size_t ring_len;
  uint32_t ring_frames, head;
  int vnet;
  pthread_mutex_t ring_lock;
} tx_socket;

typedef struct tx_stream tx_stream;
typedef void (*paced_done_fn)(tx_stream *s);

typedef struct {
  uint64_t sent, backpressure, duration_ns, late_max_ns, late_p99_ns, late_mean_ns;
  int error; /* 0 or -errno of the send that ended the run */
} paced_result;

struct tx_stream {
  tx_socket *sock;
  frame_template tpl;
  uint32_t batch;  /* slots */
  uint8_t *slots;  /* batch * tpl.len bytes */
  struct iovec *iov;
  struct mmsghdr *msgs;
  uint64_t next_seq;
  int busy;        /* a paced run owns the stream */
  /* pacing */
  pthread_t thread;
  int thread_live;
  volatile int stop;
  double pps;
  uint64_t count, duration_ns;
  paced_result result;
  histogram lateness;
  paced_done_fn on_done;
  void *user;
};

/* 0 or -errno; fills sock. ring_frames > 0 selects a TX ring of about that many slots instead of
 * sendmmsg. */
int tx_socket_open(tx_socket *sock, const char *ifname, const char *netns, int qdisc_bypass, uint32_t ring_frames);
void tx_socket_close(tx_socket *sock);
/* 0 or -errno. The template must already be initialised; the stream takes it over. */
int tx_stream_init(tx_stream *s, tx_socket *sock, frame_template *tpl, uint32_t batch, uint64_t first_seq);
void tx_stream_free(tx_stream *s);
/* Sends count frames (synchronously); returns frames sent, *err = 0 or -errno of a hard failure. */
uint64_t tx_send(tx_stream *s, uint64_t count, const volatile int *stop, uint64_t *backpressure, int *err);
/* Sends the caller's frames as they are (no patching), in order; returns frames sent, *err as above. */
uint64_t tx_send_frames(tx_socket *sock, const struct iovec *frames, uint32_t n, int *err);
/* Starts the pacing thread (pps 0 = as fast as possible; count/duration 0 = unbounded). 0 or -errno. */
int tx_paced_start(tx_stream *s, double pps, uint64_t count, uint64_t duration_ns, paced_done_fn done, void *user);
/* Asks the pacing thread to stop and joins it. */
void tx_paced_stop(tx_stream *s);
#endif
