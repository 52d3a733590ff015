// Targets: the table (select, discover now or on a schedule, edit in place), a single-target form, the
// pasted-list box checked as the user types, and credentials.
import type { LineError, PublicCredential, PublicTarget, TargetLimits } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { dataTable, fill, h } from '../dom.ts';
import { editButton, editable, field, routeFieldError, select, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import type { View } from '../router.ts';
import type { ImportReport } from '@netspotter/shared/api';
import { credentialForm } from '../targets/credential-form.ts';
import { checkPaste, lineRange, mergeProblems } from '../targets/paste-check.ts';
import { describeCredential, targetGrid } from '../targets/target-grid.ts';
import { discoverActions } from '../targets/discover-actions.ts';

export const targetsView: View = {
  path: '/targets',
  title: 'Targets',
  minRole: 'viewer',
  async render(root) {
    const credTable = h('div', { class: 'table-wrap' });
    const credSelect = select('credentialId', [['', 'no credential']]);
    // The page does not wait for the limits: the paste check uses them once they arrive.
    const limits = api<TargetLimits>('GET', '/api/targets/limits').catch(() => undefined);

    const load = async () => {
      const [targets, creds] = await Promise.all([
        api<PublicTarget[]>('GET', '/api/targets'),
        api<PublicCredential[]>('GET', '/api/credentials'),
      ]);
      table.set(targets, creds);
      fill(
        credTable,
        creds.length === 0
          ? h('p', { class: 'empty' }, 'No credentials yet.')
          : dataTable(
              'Credentials',
              ['Credential', 'Targets', ''],
              creds.map((c) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'credential' }, describeCredential(c)),
                  h('td', {}, c.targets ?? 0),
                  h(
                    'td',
                    {},
                    editButton(
                      'Delete',
                      async () => {
                        if (!confirm(`Delete credential ${c.name}?`)) return;
                        await api('DELETE', `/api/credentials/${c.id}`).catch(() => undefined);
                        await load();
                      },
                      { 'aria-label': `Delete credential ${c.name}` },
                    ),
                  ),
                ),
              ),
            ),
      );
      const chosen = credSelect.value;
      fill(
        credSelect,
        h('option', { value: '' }, 'no credential'),
        ...creds.map((c) => h('option', { value: c.id }, describeCredential(c))),
      );
      credSelect.value = chosen;
    };
    const table = targetGrid(load);

    root.append(
      h(
        'section',
        { 'aria-labelledby': 'targets-h' },
        h('h2', { id: 'targets-h' }, 'Targets'),
        h(
          'p',
          { class: 'hint' },
          'Select targets (or none for all), then discover them now or on a schedule. The newest discovery’s findings show per target.',
        ),
        discoverActions(() => ({ ids: table.selected(), total: table.total() })),
        table.el,
      ),
      h('div', { class: 'columns' }, pasteBox(load, limits), targetForm(credSelect, load)),
      h(
        'section',
        { 'aria-labelledby': 'creds-h' },
        h('h2', { id: 'creds-h' }, 'Credentials'),
        h(
          'p',
          { class: 'hint' },
          'Credentials made for a pasted list are named after their first address and removed once no target uses them.',
        ),
        credTable,
        credentialForm(() => void load()),
      ),
    );
    await load().catch(() => undefined);
  },
};

function targetForm(credSelect: HTMLSelectElement, reload: () => Promise<void>): HTMLFormElement {
  const f = {
    address: field(
      'Address or range',
      textInput('address', { required: true, placeholder: '2001:db8::1 or 192.0.2.0/28' }),
    ),
    port: field('Port', h('input', { type: 'number', name: 'port', min: 1, max: 65535, value: 161 })),
    comment: field('Comment', textInput('comment')),
    site: field(
      'Site (polled by its agents)',
      textInput('site', { placeholder: 'none: the server polls it' }),
    ),
    credentialId: field('Credential', credSelect),
  };
  const form = h(
    'form',
    { 'aria-label': 'Add target' },
    editable(
      'Add one target',
      ...Object.values(f).map((x) => x.wrap),
      h('button', { type: 'submit' }, 'Add target'),
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const x of Object.values(f)) x.setError();
    try {
      await api('POST', '/api/targets', {
        address: f.address.input.value.trim(),
        port: Number(f.port.input.value),
        ...(f.comment.input.value && { comment: f.comment.input.value }),
        ...(f.site.input.value.trim() && { site: f.site.input.value.trim() }),
        ...(credSelect.value && { credentialId: credSelect.value }),
      });
      noticeInfo(`Target ${f.address.input.value} added`);
      f.address.input.value = '';
      await reload();
    } catch (err) {
      routeFieldError(err, f);
    }
  });
  return form;
}

function pasteBox(
  reload: () => Promise<void>,
  limitsLater: Promise<TargetLimits | undefined>,
): HTMLFormElement {
  let limits: TargetLimits | undefined;
  const text = field(
    'Targets, one per line',
    h('textarea', {
      name: 'text',
      rows: 10,
      spellcheck: 'false',
      class: 'mono',
      placeholder:
        '192.0.2.1 public\n192.0.2.9:1161 public\n[2001:db8::1]:161 v2c secret\n2001:db8::2 v3 admin sha256 AUTHKEY aes PRIVKEY\n# comments and blank lines are ignored',
    }),
    'ADDRESS[:PORT] [COMMUNITY] · ADDRESS[:PORT] v1|v2c COMMUNITY · ADDRESS[:PORT] v3 USER [AUTH KEY [PRIV KEY]]',
  );
  const community = field(
    'Community for lines without one',
    h('input', { type: 'password', name: 'defaultCommunity', autocomplete: 'off' }),
  );
  const site = field(
    'Site of the new targets',
    textInput('site', { placeholder: 'none: the server polls them' }),
    'their site’s agents poll them (remote pollers)',
  );
  const summary = h('p', { class: 'paste-summary', 'aria-live': 'polite' });
  const list = h('ol', { class: 'line-problems', 'aria-label': 'Bad lines' });
  const importAll = h('button', { type: 'submit' }, 'Import');
  const importGood = h('button', { type: 'button', hidden: true }, 'Import the good lines only');
  let serverProblems: LineError[] = [];

  const show = () => {
    const value = text.input.value;
    const { good, problems } = checkPaste(value, community.input.value || undefined, limits?.maxTargetRange);
    const all = mergeProblems(problems, serverProblems);
    summary.textContent = value.trim() ? `${good} good line(s), ${problems.length} bad line(s)` : '';
    fill(
      list,
      ...all.map((p) =>
        h(
          'li',
          { class: `line-problem from-${p.from}`, 'data-line': p.line },
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                const [s, e] = lineRange(value, p.line);
                text.input.focus();
                (text.input as HTMLTextAreaElement).setSelectionRange(s, e);
              },
            },
            `Line ${p.line}`,
          ),
          `: ${p.reason}`,
          p.from === 'server' ? h('span', { class: 'tag' }, 'server') : null,
        ),
      ),
    );
    text.setError(
      all.length ? `${all.length} line(s) need fixing before the list can be imported whole` : undefined,
    );
    importGood.hidden = !(all.length > 0 && good > 0);
  };

  const send = async (partial: boolean) => {
    serverProblems = [];
    try {
      const r = await api<ImportReport>('POST', `/api/targets/import${partial ? '?partial=true' : ''}`, {
        text: text.input.value,
        ...(community.input.value && { defaultCommunity: community.input.value }),
        ...(site.input.value.trim() && { site: site.input.value.trim() }),
      });
      noticeInfo(
        `Imported: ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged${r.errors.length ? `, ${r.errors.length} bad line(s) skipped` : ''}`,
      );
      if (!partial) text.input.value = '';
      serverProblems = r.errors;
      await reload();
    } catch (err) {
      if (err instanceof RequestError && err.lines) serverProblems = err.lines;
    }
    show();
  };

  const form = h(
    'form',
    { class: 'paste', 'aria-label': 'Import targets' },
    editable(
      'Paste a target list',
      text.wrap,
      community.wrap,
      site.wrap,
      summary,
      list,
      h('div', { class: 'buttons' }, importAll, importGood),
    ),
  );
  text.input.addEventListener('input', () => {
    serverProblems = [];
    show();
  });
  community.input.addEventListener('input', show);
  void limitsLater.then((l) => {
    limits = l;
    if (!l) return;
    text.wrap.querySelector('.hint')?.append(` · ranges up to ${l.maxTargetRange} addresses`);
    if (text.input.value) show();
  });
  importGood.addEventListener('click', () => void send(true));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void send(false);
  });
  return form;
}
