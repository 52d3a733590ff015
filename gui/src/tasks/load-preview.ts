// A load task's packet as the first sender will put it on the wire: the same message the agent
// compiles (shared loadFrameMessage), encoded here and shown in words and as hex.
import type { Agent } from '@netspotter/shared/api';
import {
  builtinLibrary,
  loadFrameMessage,
  loadSourceAddress,
  multicastMac,
  type LoadFrameSpec,
} from '@netspotter/shared';
import { encodeDetailed } from '@netspotter/shared/packet/encode';
import { fill, h } from '../dom.ts';
import { hexView } from '../templates/hex-view.ts';
import { fieldSpans } from '../templates/byte-map.ts';

/** The frame spec for the form's first sender, or why there is none yet. */
export function previewSpec(args: Record<string, unknown>, agents: Agent[]): LoadFrameSpec | string {
  const sender = (args.senders as { agent?: string; interface?: string }[] | undefined)?.[0];
  const group = typeof args.group === 'string' ? args.group : '';
  if (!group) return 'Enter the group to see the packet.';
  if (!sender?.agent || !sender.interface) return 'Pick a sender and its interface to see the packet.';
  const info = agents
    .find((a) => a.name === sender.agent)
    ?.facts?.interfaces.find((i) => i.name === sender.interface);
  if (!info) return `${sender.agent} did not report interface ${sender.interface}.`;
  const srcAddress = loadSourceAddress(info.addresses);
  if (!srcAddress) return `${sender.agent} ${sender.interface} has no IPv6 address to send from.`;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    srcMac: info.mac ?? '00:00:00:00:00:00',
    srcAddress,
    group,
    port: num(args.port, 5000),
    streamId: 0,
    frameSize: num(args.frameSize, 128),
    hopLimit: num(args.hopLimit, 8),
  };
}

export function loadPreview(): {
  el: HTMLElement;
  show(args: Record<string, unknown>, agents: Agent[]): void;
} {
  const words = h('p', { class: 'small', 'data-testid': 'load-preview-words', 'aria-live': 'polite' });
  const hex = hexView(() => undefined);
  const el = h(
    'section',
    { class: 'load-preview', 'aria-label': 'Packet preview' },
    h('h3', {}, 'Packet preview'),
    words,
    hex.el,
  );
  return {
    el,
    show(args, agents) {
      const spec = previewSpec(args, agents);
      if (typeof spec === 'string') {
        fill(words, spec);
        hex.update(undefined, []);
        return;
      }
      try {
        const { bytes, root } = encodeDetailed(builtinLibrary(), loadFrameMessage(spec));
        fill(
          words,
          `${bytes.length} bytes: Ethernet ${spec.srcMac} → ${multicastMac(spec.group)}, ` +
            `IPv6 ${spec.srcAddress} → ${spec.group} hop limit ${spec.hopLimit}, UDP ${spec.port} → ${spec.port}, ` +
            'test signature (stream, sequence, send time) and padding',
        );
        hex.update(bytes, fieldSpans(root));
      } catch (err) {
        fill(words, `Not a packet yet: ${(err as Error).message}`);
        hex.update(undefined, []);
      }
    },
  };
}
