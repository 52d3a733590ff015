// New SNMP credential: v1/v2c community or the v3 user-based model, checked with the shared rules
// (checkV3) at each field before sending; the server's 400 lands at its field too.
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, checkV3, type SnmpCredentialInput } from '@netspotter/shared';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { clearErrors, editable, field, routeFieldError, select, textInput, type Field } from '../forms.ts';
import { noticeInfo } from '../notices.ts';

const secret = (name: string) => h('input', { type: 'password', name, autocomplete: 'new-password' });

export function credentialForm(onSaved: () => void): HTMLFormElement {
  const f = {
    name: field('Name', textInput('name', { placeholder: 'optional, e.g. core-v3' })),
    version: field('Version', select('version', ['v2c', 'v1', 'v3'], 'v2c')),
    'credential.community': field('Community', secret('community')),
    'credential.user': field('User', textInput('user')),
    'credential.authProtocol': field(
      'Auth protocol',
      select('authProtocol', [
        ['', 'none (noAuthNoPriv)'],
        ...AUTH_PROTOCOLS.map((p): [string, string] => [p, p.toUpperCase()]),
      ]),
    ),
    'credential.authKey': field('Auth key', secret('authKey'), 'at least 8 characters'),
    'credential.privProtocol': field(
      'Privacy protocol',
      select('privProtocol', [
        ['', 'none'],
        ...PRIV_PROTOCOLS.map((p): [string, string] => [p, p.toUpperCase()]),
      ]),
    ),
    'credential.privKey': field('Privacy key', secret('privKey'), 'at least 8 characters'),
  } satisfies Record<string, Field>;
  const v3Only = [
    'credential.user',
    'credential.authProtocol',
    'credential.authKey',
    'credential.privProtocol',
    'credential.privKey',
  ] as const;
  const v = (k: keyof typeof f) => f[k].input.value;

  const sync = () => {
    const isV3 = v('version') === 'v3';
    f['credential.community'].wrap.hidden = isV3;
    for (const k of v3Only) f[k].wrap.hidden = !isV3;
    f['credential.authKey'].wrap.hidden ||= !v('credential.authProtocol');
    f['credential.privKey'].wrap.hidden ||= !v('credential.privProtocol');
  };

  const build = (): SnmpCredentialInput => {
    if (v('version') !== 'v3')
      return { version: v('version') as 'v1' | 'v2c', community: v('credential.community') };
    const auth = v('credential.authProtocol');
    const priv = v('credential.privProtocol');
    return {
      version: 'v3',
      user: v('credential.user'),
      ...(auth && { authProtocol: auth as never, authKey: v('credential.authKey') }),
      ...(priv && { privProtocol: priv as never, privKey: v('credential.privKey') }),
    };
  };

  /** Shared rules first, so a bad key never leaves the browser. */
  const check = (c: SnmpCredentialInput): boolean => {
    clearErrors(f);
    if (c.version !== 'v3') {
      if (!c.community) f['credential.community'].setError('is required');
      return Boolean(c.community);
    }
    const problems = checkV3(c);
    for (const [name, reason] of problems) f[`credential.${name}` as keyof typeof f]?.setError(reason);
    return problems.length === 0;
  };

  const submit = h('button', { type: 'submit' }, 'Add credential');
  const form = h(
    'form',
    { class: 'credential-form', 'aria-label': 'New credential' },
    editable('New credential', ...Object.values(f).map((x) => x.wrap), submit),
  );
  form.addEventListener('change', sync);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const credential = build();
    if (!check(credential)) return;
    try {
      await api('POST', '/api/credentials', { ...(v('name') && { name: v('name') }), credential });
      noticeInfo('Credential saved');
      form.reset();
      sync();
      onSaved();
    } catch (err) {
      routeFieldError(err, f);
    }
  });
  sync();
  return form;
}
