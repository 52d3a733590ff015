// The enrolment dialog's answer: the one line that installs an agent on a fresh host (no Node, no
// repository), fetched pinned to this server's public key, and the bare agent command for hosts that
// already have netspotter.
import { installCommand } from '@netspotter/shared/agent-protocol';
import type { NewEnrolmentToken } from '@netspotter/shared/api';
import { h, when, type Child } from '../dom.ts';

const copyButton = (label: string, text: string) =>
  h('button', { type: 'button', onclick: () => void navigator.clipboard?.writeText(text) }, label);

export function enrolmentCommands(t: NewEnrolmentToken, origin: string): Child[] {
  const install = installCommand({
    server: origin,
    token: t.token,
    publicKeyPin: t.publicKeyPin,
    name: t.name,
  });
  const agent = `netspotter agent --server ${origin} --token ${t.token}`;
  return [
    h(
      'p',
      {},
      `On a fresh host, run this as root (the token works once, until ${when(t.expiresAt)}; it is not shown again). ` +
        'It installs the agent to /opt/netspotter-agent and starts it as a systemd service:',
    ),
    h('pre', { class: 'mono command', 'data-testid': 'install-command' }, install),
    t.publicKeyPin
      ? h(
          'p',
          { class: 'small' },
          `Pinned to this server's public key (${t.publicKeyPin}): nothing is fetched from another peer, and the ` +
            `script checks the token's certificate fingerprint (${t.fingerprint}) before it changes anything.`,
        )
      : h('p', { class: 'small warning' }, 'This server runs without TLS: the install is not pinned.'),
    copyButton('Copy install command', install),
    h('p', {}, 'Where netspotter is already installed:'),
    h('pre', { class: 'mono command', 'data-testid': 'agent-command' }, agent),
    copyButton('Copy agent command', agent),
  ];
}
