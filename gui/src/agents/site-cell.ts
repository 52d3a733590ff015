// An agent's site in the agents table: the site whose targets it polls over SNMP (a remote poller), and an
// admin's button to set or clear it. Setting it sends that site's SNMP credentials to the agent, in leases.
import type { Agent } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { noticeInfo } from '../notices.ts';
import { adminButton } from './admin-button.ts';

export function siteCell(a: Agent, reload: () => Promise<void>): HTMLElement {
  return h(
    'span',
    {},
    a.site ? h('span', { class: 'mono' }, a.site) : h('span', { class: 'small' }, 'no site'),
    ' ',
    adminButton(
      'Site…',
      async () => {
        const answer = prompt(
          `Site whose targets ${a.name} polls over SNMP (it receives their credentials); empty: none`,
          a.site ?? '',
        );
        if (answer === null) return;
        const site = answer.trim() || null;
        // A refused site is announced by api() with the server's reason.
        const saved = await api('PATCH', `/api/agents/${a.id}`, { site }).then(
          () => true,
          () => false,
        );
        if (saved) noticeInfo(site ? `${a.name} polls site ${site}` : `${a.name} polls no site`);
        await reload();
      },
      { 'aria-label': `Set the site of ${a.name}` },
    ),
  );
}
