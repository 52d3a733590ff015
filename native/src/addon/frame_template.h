/* A compiled frame: base bytes plus patch points written per frame (big-endian), with the
 * 16-bit Internet checksum kept valid by incremental update (RFC 1624) instead of a recompute. */
#ifndef NS_FRAME_TEMPLATE_H
#define NS_FRAME_TEMPLATE_H
#include <stddef.h>
#include <stdint.h>

#define TPL_NONE (-1)
#define TPL_MAX_LEN 9216

/* Where the patch points are. */
typedef struct {
  int32_t seq_off, ts_off, stream_off, csum_off; /* TPL_NONE when absent */
  uint32_t seq_bytes;                             /* 2, 4 or 8 */
  uint32_t ts_format;                             /* enum ts_format; always 8 bytes */
} template_spec;

typedef struct {
  uint8_t *base; /* owned copy, stream id already written */
  uint32_t len;
  template_spec at;
  uint32_t base_sum; /* sum of the base bytes under seq+ts */
} frame_template;

/* Checks offsets against the frame and each other; returns NULL on success or a message. */
const char *template_check(uint32_t len, const template_spec *spec);
/* Copies base, writes stream_id (fixing the checksum), precomputes base_sum. 0 or -ENOMEM. */
int template_init(frame_template *t, const uint8_t *base, uint32_t len, const template_spec *spec, uint32_t stream_id);
void template_free(frame_template *t);
/* Writes one frame into dst (t->len bytes) with the given sequence number and timestamp. */
void template_emit(const frame_template *t, uint8_t *dst, uint64_t seq, uint64_t ts_ns);
#endif
