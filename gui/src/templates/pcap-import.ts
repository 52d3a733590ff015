// Opening a frame from a pcap/pcapng file (e.g. from Wireshark) as a new message to edit.
import { decodeCapture, type Message, type TemplateLibrary } from '@netspotter/shared';
import { fill, h } from '../dom.ts';
import { noticeError } from '../notices.ts';

export function pcapImport(library: () => TemplateLibrary, open: (m: Message) => void): HTMLElement {
  const file = h('input', { type: 'file', accept: '.pcap,.pcapng,.cap', id: 'pcap-file' });
  const list = h('ol', { class: 'frames', 'aria-label': 'Frames in the file' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      const frames = decodeCapture(library(), new Uint8Array(await f.arrayBuffer()));
      fill(
        list,
        ...frames
          .slice(0, 500)
          .map((fr, i) =>
            h(
              'li',
              {},
              `${fr.frame.data.length} bytes `,
              fr.message
                ? h(
                    'button',
                    { type: 'button', onclick: () => open(fr.message!) },
                    `Open frame ${i + 1} (${chain(fr.message)})`,
                  )
                : h('span', { class: 'field-error' }, fr.error ?? 'not decoded'),
            ),
          ),
      );
    } catch (e) {
      noticeError(`${f.name} cannot be read: ${(e as Error).message}`);
    }
  });
  return h(
    'div',
    { class: 'pcap-import' },
    h('label', { for: 'pcap-file' }, 'Capture file (pcap or pcapng) '),
    file,
    list,
  );
}

/** "ethernet › ipv6 › udp": the nesting of a decoded frame. */
function chain(m: Message): string {
  const names = [m.template];
  let cur: unknown = m.values?.body;
  while (typeof cur === 'object' && cur !== null && 'template' in cur) {
    names.push((cur as Message).template);
    cur = (cur as Message).values?.body;
  }
  return names.join(' › ');
}
