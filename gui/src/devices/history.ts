// A device's (or one port's) history over the newest snapshots, newest first, as the server compares them.
import type { DeviceHistory } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { fill, h, when } from '../dom.ts';
import { portLink } from './tables.ts';

export function historySection(device: string, ifIndex?: number): HTMLElement {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'small' }, 'Loading history…'));
  const q = new URLSearchParams(ifIndex === undefined ? {} : { ifIndex: String(ifIndex) });
  void api<DeviceHistory>('GET', `/api/devices/${encodeURIComponent(device)}/history?${q}`)
    .then((r) =>
      fill(
        list,
        h(
          'p',
          { class: 'small' },
          `${r.snapshots} snapshot(s) compared${ifIndex === undefined ? '' : ' (this port and the device)'}.`,
        ),
        r.events.length
          ? h(
              'ol',
              { class: 'history', 'aria-label': 'History' },
              ...r.events.map((e) =>
                h(
                  'li',
                  { class: `history-${e.kind}` },
                  h('time', { datetime: e.at }, when(e.at)),
                  ' ',
                  e.ifIndex !== undefined && e.port ? [portLink(device, e.ifIndex, e.port), ' · '] : null,
                  e.text,
                ),
              ),
            )
          : h('p', { class: 'empty' }, 'No changes in the snapshots compared.'),
      ),
    )
    .catch(() => fill(list, h('p', { class: 'empty' }, 'History could not be loaded.')));
  return h(
    'section',
    { class: 'device-section', 'aria-labelledby': 'history-h' },
    h('h2', { id: 'history-h' }, ifIndex === undefined ? 'History' : 'History of this port'),
    list,
  );
}
