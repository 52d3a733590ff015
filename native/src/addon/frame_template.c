#include "frame_template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

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

const char *template_check(uint32_t len, const template_spec *spec) {
  if (len == 0 || len > TPL_MAX_LEN) return "base must be 1..9216 bytes";
  if (spec->seq_bytes != 2 && spec->seq_bytes != 4 && spec->seq_bytes != 8) return "seqBytes must be 2, 4 or 8";
  if (spec->ts_format > TS_SEC32_NSEC32) return "tsFormat must be 'ns64' or 'sec32nsec32'";
  struct { int32_t off; uint32_t n; const char *msg; } f[4] = {
      {spec->seq_off, spec->seq_bytes, "seqOffset + seqBytes exceeds the frame"},
      {spec->ts_off, 8, "tsOffset + 8 exceeds the frame"},
      {spec->stream_off, 4, "streamOffset + 4 exceeds the frame"},
      {spec->csum_off, 2, "csumOffset + 2 exceeds the frame"},
  };
  for (int i = 0; i < 4; i++)
    if (f[i].off != TPL_NONE && (f[i].off < 0 || (uint32_t)f[i].off + f[i].n > len)) return f[i].msg;
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      if (overlaps(f[i].off, f[i].n, f[j].off, f[j].n)) return "patch points overlap each other";
  return NULL;
}

int template_init(frame_template *t, const uint8_t *base, uint32_t len, const template_spec *spec, uint32_t stream_id) {
  t->base = malloc(len);
  if (!t->base) return -ENOMEM;
  memcpy(t->base, base, len);
  t->len = len;
  t->at = *spec;
  int32_t csum = spec->csum_off;
  if (spec->stream_off != TPL_NONE) {
    uint32_t old = csum != TPL_NONE ? field_sum(t->base, spec->stream_off, 4, csum) : 0;
    put_be(t->base + spec->stream_off, stream_id, 4);
    if (csum != TPL_NONE) csum_fix(t->base, csum, old, field_sum(t->base, spec->stream_off, 4, csum));
  }
  t->base_sum = 0;
  if (csum != TPL_NONE) {
    if (spec->seq_off != TPL_NONE) t->base_sum += field_sum(t->base, spec->seq_off, spec->seq_bytes, csum);
    if (spec->ts_off != TPL_NONE) t->base_sum += field_sum(t->base, spec->ts_off, 8, csum);
  }
  return 0;
}

void template_free(frame_template *t) {
  free(t->base);
  t->base = NULL;
}

void template_emit(const frame_template *t, uint8_t *dst, uint64_t seq, uint64_t ts_ns) {
  const template_spec *at = &t->at;
  memcpy(dst, t->base, t->len);
  uint32_t new_sum = 0;
  if (at->seq_off != TPL_NONE) {
    put_be(dst + at->seq_off, seq, at->seq_bytes);
    if (at->csum_off != TPL_NONE) new_sum += field_sum(dst, at->seq_off, at->seq_bytes, at->csum_off);
  }
  if (at->ts_off != TPL_NONE) {
    ts_put(dst + at->ts_off, ts_ns, at->ts_format);
    if (at->csum_off != TPL_NONE) new_sum += field_sum(dst, at->ts_off, 8, at->csum_off);
  }
  if (at->csum_off != TPL_NONE && (at->seq_off != TPL_NONE || at->ts_off != TPL_NONE))
    csum_fix(dst, at->csum_off, t->base_sum, new_sum);
}
