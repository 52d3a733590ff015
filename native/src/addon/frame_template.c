#include "frame_template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static inline uint32_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}

/* One's-complement sum of n bytes at frame offset off. The checksummed region starts at the same
 * parity as the checksum field (true for UDP, TCP, ICMPv6 and IPv4 headers), so a byte is the high
 * half of its 16-bit word when its offset has the checksum field's parity. */
static uint32_t field_sum(const uint8_t *frame, int32_t off, uint32_t n, int32_t csum_off) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t pos = (uint32_t)off + i;
    s += ((pos ^ (uint32_t)csum_off) & 1u) ? frame[pos] : (uint32_t)frame[pos] << 8;
  }
  return s;
}

static void put_be(uint8_t *p, uint64_t v, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), with 0 sent as 0xffff (a zero UDP checksum over IPv6
 * means "none" and is dropped; 0xffff is the same one's-complement value). */
static void csum_fix(uint8_t *frame, int32_t csum_off, uint32_t old_sum, uint32_t new_sum) {
  uint32_t hc = ((uint32_t)frame[csum_off] << 8) | frame[csum_off + 1];
  uint32_t s = fold((~hc & 0xffff) + (~fold(old_sum) & 0xffff) + fold(new_sum));
  uint16_t r = (uint16_t)~s;
  if (r == 0) r = 0xffff;
  frame[csum_off] = (uint8_t)(r >> 8);
  frame[csum_off + 1] = (uint8_t)r;
}

static int overlaps(int32_t a, uint32_t an, int32_t b, uint32_t bn) {
  if (a == TPL_NONE || b == TPL_NONE) return 0;
  return a < b + (int32_t)bn && b < a + (int32_t)an;
}

const char *template_check(uint32_t len, int32_t seq_off, uint32_t seq_bytes, int32_t ts_off, int32_t stream_off,
                           int32_t csum_off) {
  if (len == 0 || len > TPL_MAX_LEN) return "base must be 1..9216 bytes";
  if (seq_bytes != 4 && seq_bytes != 8) return "seqBytes must be 4 or 8";
  struct { int32_t off; uint32_t n; const char *msg; } f[4] = {
      {seq_off, seq_bytes, "seqOffset + seqBytes exceeds the frame"},
      {ts_off, 8, "tsOffset + 8 exceeds the frame"},
      {stream_off, 4, "streamOffset + 4 exceeds the frame"},
      {csum_off, 2, "csumOffset + 2 exceeds the frame"},
  };
  for (int i = 0; i < 4; i++)
    if (f[i].off != TPL_NONE && (f[i].off < 0 || (uint32_t)f[i].off + f[i].n > len)) return f[i].msg;
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      if (overlaps(f[i].off, f[i].n, f[j].off, f[j].n)) return "patch points overlap each other";
  return NULL;
}

int template_init(frame_template *t, const uint8_t *base, uint32_t len, int32_t seq_off, uint32_t seq_bytes,
                  int32_t ts_off, int32_t stream_off, int32_t csum_off, uint32_t stream_id) {
  t->base = malloc(len);
  if (!t->base) return -ENOMEM;
  memcpy(t->base, base, len);
  t->len = len;
  t->seq_off = seq_off;
  t->seq_bytes = seq_bytes;
  t->ts_off = ts_off;
  t->stream_off = stream_off;
  t->csum_off = csum_off;
  if (stream_off != TPL_NONE) {
    uint32_t old = csum_off != TPL_NONE ? field_sum(t->base, stream_off, 4, csum_off) : 0;
    put_be(t->base + stream_off, stream_id, 4);
    if (csum_off != TPL_NONE) csum_fix(t->base, csum_off, old, field_sum(t->base, stream_off, 4, csum_off));
  }
  t->base_sum = 0;
  if (csum_off != TPL_NONE) {
    if (seq_off != TPL_NONE) t->base_sum += field_sum(t->base, seq_off, seq_bytes, csum_off);
    if (ts_off != TPL_NONE) t->base_sum += field_sum(t->base, ts_off, 8, csum_off);
  }
  return 0;
}

void template_free(frame_template *t) {
  free(t->base);
  t->base = NULL;
}

void template_emit(const frame_template *t, uint8_t *dst, uint64_t seq, uint64_t ts_ns) {
  memcpy(dst, t->base, t->len);
  uint32_t new_sum = 0;
  if (t->seq_off != TPL_NONE) {
    put_be(dst + t->seq_off, seq, t->seq_bytes);
    if (t->csum_off != TPL_NONE) new_sum += field_sum(dst, t->seq_off, t->seq_bytes, t->csum_off);
  }
  if (t->ts_off != TPL_NONE) {
    put_be(dst + t->ts_off, ts_ns, 8);
    if (t->csum_off != TPL_NONE) new_sum += field_sum(dst, t->ts_off, 8, t->csum_off);
  }
  if (t->csum_off != TPL_NONE && (t->seq_off != TPL_NONE || t->ts_off != TPL_NONE))
    csum_fix(dst, t->csum_off, t->base_sum, new_sum);
}
