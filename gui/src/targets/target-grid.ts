// The targets table: selection for discovery, numeric address order, what the newest discovery found
// (system name, status, when, who polled it), the credential, and editing in place (address, port,
// credential, comment, site).
import { compareAddresses } from '@netspotter/shared';
import type { PublicCredential, PublicTarget } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h, when } from '../dom.ts';
import { grid, type Grid } from '../grid.ts';
import { editButton, field, routeFieldError, select, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import { canEdit } from '../session.ts';

/** What the server sent, already masked: never more than it gave. */
export function describeCredential(c: PublicCredential | null): string {
  if (!c) return 'none';
  if (c.version !== 'v3') return `${c.name} · ${c.version} community ${c.community ?? ''}`;
  const level = c.privProtocol ? 'authPriv' : c.authProtocol ? 'authNoPriv' : 'noAuthNoPriv';
  return `${c.name} · v3 ${c.user} ${level}${c.authProtocol ? ` ${c.authProtocol}` : ''}${c.privProtocol ? `/${c.privProtocol}` : ''}`;
}

const statusWord = (t: PublicTarget) => t.lastStatus ?? (t.lastPolledAt ? '' : 'not polled yet');
/** ok green, partial amber, a failure red; counts of a range and "not polled" grey. */
const statusTone = (s: string) =>
  s === 'ok' ? 'ok' : s === 'partial' ? 'warn' : /^\d|^not polled|^$/.test(s) ? 'muted' : 'bad';

export interface TargetGrid {
  el: HTMLElement;
  set(targets: PublicTarget[], credentials: PublicCredential[]): void;
  selected(): string[];
  total(): number;
}

export function targetGrid(reload: () => Promise<void>): TargetGrid {
  let targets: PublicTarget[] = [];
  let credentials: PublicCredential[] = [];
  const chosen = new Set<string>();
  const editing = new Set<string>();
  const repaint = () => g.setRows(targets);

  const all = h('input', { type: 'checkbox', 'aria-label': 'Select all targets' });
  all.addEventListener('change', () => {
    for (const t of targets) {
      if (all.checked) chosen.add(t.id);
      else chosen.delete(t.id);
    }
    repaint();
  });
  const pick = (t: PublicTarget) => {
    const box = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${t.address}`,
      ...(chosen.has(t.id) && { checked: true }),
    });
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(t.id);
      else chosen.delete(t.id);
      all.checked = chosen.size === targets.length;
    });
    return box;
  };

  const editor = (t: PublicTarget) => {
    const f = {
      address: field(
        `Address of ${t.address}`,
        textInput('address', { value: t.address, class: 'mono', size: 18 }),
      ),
      port: field(
        `Port of ${t.address}`,
        h('input', { type: 'number', name: 'port', min: 1, max: 65535, value: t.port, style: 'width:6rem' }),
      ),
      credentialId: field(
        `Credential of ${t.address}`,
        select(
          'credentialId',
          [['', 'no credential'], ...credentials.map((c): [string, string] => [c.id, describeCredential(c)])],
          t.credential?.id ?? '',
        ),
      ),
      comment: field(`Comment of ${t.address}`, textInput('comment', { value: t.comment ?? '' })),
      site: field(
        `Site of ${t.address}`,
        textInput('site', { value: t.site ?? '', size: 10, placeholder: 'server polls' }),
      ),
    };
    for (const x of Object.values(f)) x.wrap.classList.add('inline');
    const save = async () => {
      for (const x of Object.values(f)) x.setError();
      try {
        await api('PATCH', `/api/targets/${t.id}`, {
          address: f.address.input.value.trim(),
          port: Number(f.port.input.value),
          credentialId: f.credentialId.input.value || null,
          comment: f.comment.input.value,
          site: f.site.input.value.trim() || null,
        });
        editing.delete(t.id);
        noticeInfo(`Target ${f.address.input.value.trim()} saved`);
        await reload();
      } catch (err) {
        routeFieldError(err, f);
      }
    };
    for (const x of Object.values(f))
      x.input.addEventListener('keydown', (ev) => {
        if ((ev as KeyboardEvent).key === 'Enter') void save();
        if ((ev as KeyboardEvent).key === 'Escape') {
          ev.stopPropagation();
          editing.delete(t.id);
          repaint();
        }
      });
    return { f, save };
  };

  const editors = new Map<string, ReturnType<typeof editor>>();
  const ed = (t: PublicTarget) => {
    if (!editors.has(t.id)) editors.set(t.id, editor(t));
    return editors.get(t.id)!;
  };

  const g: Grid<PublicTarget> = grid<PublicTarget>(
    'Targets',
    [
      { title: 'Pick', control: true, value: () => '', cell: pick },
      {
        title: 'Address',
        value: (t) => t.address,
        compare: (a, b) => compareAddresses(a.address, b.address) || a.port - b.port,
        cell: (t) => (editing.has(t.id) ? ed(t).f.address.wrap : h('span', { class: 'mono' }, t.address)),
      },
      {
        title: 'Port',
        value: (t) => t.port,
        numeric: true,
        cell: (t) => (editing.has(t.id) ? ed(t).f.port.wrap : String(t.port)),
      },
      { title: 'System name', value: (t) => t.lastSysName ?? '' },
      {
        title: 'Status',
        value: statusWord,
        cell: (t) => [
          h('span', { class: `tag tone-${statusTone(statusWord(t))}` }, statusWord(t) || '—'),
          t.lastReason ? h('div', { class: 'small' }, t.lastReason) : null,
        ],
      },
      { title: 'Last polled', value: (t) => t.lastPolledAt ?? '', cell: (t) => when(t.lastPolledAt) },
      // "server", or the agents of the target's site that reached it.
      { title: 'Polled by', value: (t) => t.lastPoller ?? '' },
      {
        title: 'Site',
        value: (t) => t.site ?? '',
        cell: (t) => (editing.has(t.id) ? ed(t).f.site.wrap : (t.site ?? '')),
      },
      {
        title: 'Credential',
        value: (t) => describeCredential(t.credential),
        cell: (t) =>
          editing.has(t.id)
            ? ed(t).f.credentialId.wrap
            : h('span', { class: 'credential' }, describeCredential(t.credential)),
      },
      {
        title: 'Comment',
        value: (t) => t.comment ?? '',
        cell: (t) => (editing.has(t.id) ? ed(t).f.comment.wrap : (t.comment ?? '')),
      },
      {
        title: 'Actions',
        control: true,
        value: () => '',
        cell: (t) =>
          h(
            'span',
            { class: 'actions' },
            editing.has(t.id)
              ? [
                  h(
                    'button',
                    { type: 'button', onclick: () => void ed(t).save(), 'aria-label': `Save ${t.address}` },
                    'Save',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      onclick: () => (editing.delete(t.id), repaint()),
                      'aria-label': `Cancel editing ${t.address}`,
                    },
                    'Cancel',
                  ),
                ]
              : [
                  editButton(
                    'Edit',
                    () => {
                      editors.delete(t.id);
                      editing.add(t.id);
                      repaint();
                      ed(t).f.address.input.focus();
                    },
                    { 'aria-label': `Edit ${t.address}` },
                  ),
                  editButton(
                    'Delete',
                    async () => {
                      if (!confirm(`Delete target ${t.address}?`)) return;
                      await api('DELETE', `/api/targets/${t.id}`).catch(() => undefined);
                      chosen.delete(t.id);
                      await reload();
                    },
                    { 'aria-label': `Delete ${t.address}` },
                  ),
                ],
          ),
      },
    ],
    [],
    {
      csvName: 'targets',
      sort: { column: 1 },
      empty: 'No targets yet: paste a list below or add one target.',
      tools: canEdit() ? h('label', { class: 'select-all' }, all, ' all') : null,
      rowAttrs: (t) => ({ 'data-target': t.id }),
    },
  );
  return {
    el: g.el,
    set(next, creds) {
      targets = next;
      credentials = creds;
      for (const id of [...chosen]) if (!next.some((t) => t.id === id)) chosen.delete(id);
      editors.clear();
      repaint();
    },
    selected: () => [...chosen],
    total: () => targets.length,
  };
}
