import { describe, expect, it } from 'vitest';
import type { Agent } from '@netspotter/shared/api';
import { words } from './schema-form.ts';
import { previewSpec } from './load-preview.ts';

describe('generated task forms', () => {
  it('labels arguments in words with their unit', () => {
    expect(['timeoutMs', 'hopLimit', 'pps', 'targetIds', 'requeueOnAgentLoss', 'port'].map(words)).toEqual([
      'Timeout (ms)',
      'Hop limit',
      'Packets per second',
      'Targets',
      'Requeue on agent loss',
      'Port',
    ]);
  });

  it('previews the packet of the first sender from its reported interface, or says what is missing', () => {
    const agents = [
      {
        name: 'tx',
        facts: {
          interfaces: [
            { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['fe80::1%eth0', '2001:db8:77::1'] },
          ],
        },
      },
    ] as unknown as Agent[];
    const args = { group: 'ff3e::1234', senders: [{ agent: 'tx', interface: 'eth0' }], frameSize: 256 };
    expect(previewSpec(args, agents)).toEqual({
      srcMac: '02:00:00:00:0a:01',
      srcAddress: '2001:db8:77::1',
      group: 'ff3e::1234',
      port: 5000,
      streamId: 0,
      frameSize: 256,
      hopLimit: 8,
    });
    expect(previewSpec({ ...args, group: '' }, agents)).toBe('Enter the group to see the packet.');
    expect(previewSpec({ ...args, senders: [{ agent: 'tx', interface: 'eth9' }] }, agents)).toBe(
      'tx did not report interface eth9.',
    );
  });
});
