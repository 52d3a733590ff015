// Capture file → decoded messages, one per frame; a frame that does not decode keeps its error.
import { decode } from './decode.ts';
import { DecodeError } from './errors.ts';
import type { TemplateLibrary } from './library.ts';
import { type CapturedFrame, LINKTYPE_ETHERNET, LINKTYPE_RAW, readCapture } from './pcap.ts';
import type { Message } from './schema.ts';

export interface DecodedFrame {
  frame: CapturedFrame;
  message?: Message;
  error?: string;
}

/** Template for a link type: Ethernet, or raw IP (101, 228 = IPv4, 229 = IPv6). */
function templateFor(frame: CapturedFrame): string | undefined {
  if (frame.linkType === LINKTYPE_ETHERNET) return 'ethernet';
  if (frame.linkType === 228) return 'ipv4';
  if (frame.linkType === 229) return 'ipv6';
  if (frame.linkType === LINKTYPE_RAW) return frame.data[0]! >> 4 === 4 ? 'ipv4' : 'ipv6';
  return undefined;
}

export function decodeCapture(lib: TemplateLibrary, file: Uint8Array): DecodedFrame[] {
  return readCapture(file).map((frame) => {
    const template = templateFor(frame);
    if (!template) return { frame, error: `link type ${frame.linkType} is not supported` };
    try {
      return { frame, message: decode(lib, frame.data, { template }) };
    } catch (e) {
      if (e instanceof DecodeError) return { frame, error: e.message };
      throw e;
    }
  });
}
