// Audit events (admins only; the server refuses others).
import type { AuditEvent } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { dataTable, h, when } from '../dom.ts';
import type { View } from '../router.ts';

export const auditView: View = {
  path: '/audit',
  title: 'Audit',
  minRole: 'admin',
  async render(root) {
    const events = await api<AuditEvent[]>('GET', '/api/audit?limit=200').catch(() => [] as AuditEvent[]);
    root.append(
      dataTable(
        'Audit events',
        ['When', 'Who', 'Action', 'What', 'Details'],
        events.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, when(e.at)),
            h('td', {}, e.actor),
            h('td', {}, e.action),
            h('td', {}, `${e.entity}${e.entityId ? ` ${e.entityId}` : ''}`),
            h('td', { class: 'mono small' }, e.details ? JSON.stringify(e.details) : ''),
          ),
        ),
      ),
    );
  },
};
