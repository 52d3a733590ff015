// Audit events (admins only; the server refuses others): who did what to which thing, by its name,
// with the details in words; 200 at a time, older ones on request.
import type { AuditEvent } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h, when } from '../dom.ts';
import { grid } from '../grid.ts';
import type { View } from '../router.ts';
import { detailWords } from '../detail-words.ts';

const PAGE = 200;

export const auditView: View = {
  path: '/audit',
  title: 'Audit',
  minRole: 'admin',
  async render(root) {
    let events: AuditEvent[] = [];
    const page = async () => {
      const before = events.at(-1)?.id;
      const more = await api<AuditEvent[]>(
        'GET',
        `/api/audit?limit=${PAGE}${before ? `&before=${before}` : ''}`,
      ).catch(() => [] as AuditEvent[]);
      events = [...events, ...more];
      table.setRows(events);
      older.hidden = more.length < PAGE;
    };
    const older = h(
      'button',
      { type: 'button', class: 'small-button', onclick: () => void page() },
      'Older events',
    );
    const table = grid<AuditEvent>(
      'Audit events',
      [
        { title: 'When', value: (e) => e.at, cell: (e) => when(e.at) },
        { title: 'Who', value: (e) => e.actor },
        { title: 'Action', value: (e) => e.action },
        { title: 'What', value: (e) => e.entity.replace(/[_-]/g, ' ') },
        {
          title: 'Name',
          value: (e) => e.entityName ?? '',
          cell: (e) => e.entityName ?? (e.entityId ? h('span', { class: 'mono small' }, e.entityId) : ''),
        },
        { title: 'Details', value: (e) => detailWords(e.details) },
      ],
      [],
      { csvName: 'audit', sort: { column: 0, desc: true }, tools: older },
    );
    root.append(table.el);
    await page();
  },
};
