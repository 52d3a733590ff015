// The Agents page's releases: each agent's version against the newest release this server hands out,
// how far a requested update got, and the admin's actions (update one, the selected ones, or all).
import type { Agent, AgentReleases, AgentUpdateResult } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h, type Child } from '../dom.ts';
import { noticeInfo } from '../notices.ts';
import { adminButton } from './admin-button.ts';

const STATE_TEXT: Record<string, string> = {
  requested: 'update requested',
  downloading: 'downloading',
  trial: 'trying the new release',
  restarting: 'restarting',
  succeeded: 'updated',
  failed: 'update failed',
  'rolled-back': 'rolled back',
};

async function requestUpdate(body: { agentIds?: string[]; all?: boolean }, reload: () => Promise<void>) {
  const r = await api<AgentUpdateResult>('POST', '/api/agents/update', body).catch(() => undefined);
  if (r)
    noticeInfo(
      `Update to ${r.version} requested for ${r.requested.length} agent(s)` +
        (r.skipped.length ? `; skipped: ${r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : ''),
    );
  await reload();
}

/** The version cell: the agent's release, the newest one when it differs, and the update's progress. */
export function versionCell(a: Agent, releases: AgentReleases, reload: () => Promise<void>): Child[] {
  const latest = releases.latest;
  const behind = latest !== null && a.version !== latest;
  const u = a.update;
  const active = u && u.state !== 'succeeded' && u.state !== 'failed' && u.state !== 'rolled-back';
  return [
    h('span', { class: behind ? 'version behind' : 'version' }, a.version ?? '—'),
    behind ? h('span', { class: 'small' }, ` (newest ${latest})`) : null,
    u && (u.targetVersion !== a.version || u.state === 'succeeded')
      ? h(
          'div',
          { class: `small update-${u.state}`, 'data-testid': 'update-state' },
          `${STATE_TEXT[u.state] ?? u.state} → ${u.targetVersion}${u.message ? `: ${u.message}` : ''}`,
        )
      : null,
    behind && !active && !a.disconnectedAt
      ? adminButton(`Update to ${latest}`, () => void requestUpdate({ agentIds: [a.id] }, reload), {
          'aria-label': `Update ${a.name} to ${latest}`,
        })
      : null,
  ];
}

/** A row's selection box, for "Update selected". */
export function selectBox(a: Agent, selected: Set<string>): HTMLInputElement {
  const box = h('input', { type: 'checkbox', 'aria-label': `Select ${a.name}` });
  box.checked = selected.has(a.id);
  box.addEventListener('change', () => (box.checked ? selected.add(a.id) : selected.delete(a.id)));
  return box;
}

/** Above the table: the server's version, the newest release, and the bulk update actions. */
export function updateBar(
  releases: AgentReleases,
  selected: Set<string>,
  reload: () => Promise<void>,
): Child[] {
  return [
    h(
      'span',
      { 'data-testid': 'release-info' },
      `Server ${releases.serverVersion}; newest agent release ${releases.latest ?? 'none (run npm run build on the server)'}. `,
    ),
    releases.latest
      ? [
          adminButton('Update selected', () => {
            if (selected.size) void requestUpdate({ agentIds: [...selected] }, reload);
          }),
          ' ',
          adminButton('Update all', () => {
            if (confirm(`Update every agent to ${releases.latest}? Each finishes its running jobs first.`))
              void requestUpdate({ all: true }, reload);
          }),
        ]
      : null,
  ];
}
