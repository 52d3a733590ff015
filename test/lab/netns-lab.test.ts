import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { missingParts } from '../support/system.ts';
import { NetnsLab } from './netns-lab.ts';

const skip = missingParts({ commands: ['ip', 'bridge'], root: true });

describe.skipIf(skip)('namespace lab builder', () => {
  let lab: NetnsLab;
  beforeAll(async () => {
    lab = await NetnsLab.create({ hosts: ['h1', 'h2'] });
  });
  afterAll(() => lab?.down());

  it('builds hosts behind a snooping bridge with a querier, reachable over IPv6', async () => {
    const bridge = JSON.parse(
      execFileSync('ip', ['-n', lab.sw, '-j', '-d', 'link', 'show', 'br0'], { encoding: 'utf8' }),
    )[0];
    expect(bridge.linkinfo.info_data).toMatchObject({
      mcast_snooping: 1,
      mcast_querier: 1,
      mcast_mld_version: 2,
    });
    // A UDP datagram across the bridge (no ping on minimal hosts): h2 listens, h1 sends.
    const rx = lab.spawn('h2', process.execPath, [
      '-e',
      `const s=require('dgram').createSocket('udp6');s.on('message',m=>{console.log(String(m));process.exit(0)});s.bind(7000,'${lab.host('h2').address}',()=>console.log('ready'))`,
    ]);
    let got = '';
    await new Promise<void>((resolve) =>
      rx.stdout!.on('data', (d) => ((got += String(d)), got.includes('ready') && resolve())),
    );
    // Repeated: the first datagrams may wait on neighbour discovery across the fresh bridge.
    const tx = lab.spawn('h1', process.execPath, [
      '-e',
      `const s=require('dgram').createSocket('udp6');setInterval(()=>s.send('hello-h2',7000,'${lab.host('h2').address}'),200)`,
    ]);
    await new Promise((resolve) => rx.once('exit', resolve));
    tx.kill();
    expect(got).toContain('hello-h2');
    expect(await lab.exec('h2', 'ip', ['-br', 'link', 'show', 'eth0'])).toContain(lab.host('h2').mac);
  });

  it('removes every namespace it made, by name', async () => {
    const other = await NetnsLab.create({ hosts: ['a'] });
    const names = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(names()).toContain(other.host('a').ns);
    await other.down();
    expect(names()).not.toContain(other.host('a').ns);
    expect(names()).not.toContain(other.sw);
  });
});
