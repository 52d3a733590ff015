// A veth pair between two fresh network namespaces, for tests and benches that need real frames.
// Everything is created under a unique prefix and removed by destroy(), also after failures.
import { execFileSync } from 'node:child_process';

export interface VethLab {
  nsA: string;
  nsB: string;
  ifA: string;
  ifB: string;
  /** A link counter from /sys/class/net/<if>/statistics, read inside the namespace. */
  counter(
    ns: string,
    ifname: string,
    name: 'tx_packets' | 'rx_packets' | 'rx_dropped' | 'tx_dropped',
  ): number;
  destroy(): void;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function createVethLab(prefix: string): VethLab {
  const tag = `${prefix}${process.pid % 100000}`;
  const nsA = `${tag}a`;
  const nsB = `${tag}b`;
  const ifA = 'vA';
  const ifB = 'vB';
  const destroy = () => {
    for (const ns of [nsA, nsB]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  };
  destroy();
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('-n', nsA, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
    ip('-n', nsA, 'link', 'set', ifA, 'address', '02:00:00:00:00:0a', 'up');
    ip('-n', nsB, 'link', 'set', ifB, 'address', '02:00:00:00:00:0b', 'up');
    ip('-n', nsA, 'addr', 'add', '2001:db8:6::a/64', 'dev', ifA, 'nodad');
    ip('-n', nsB, 'addr', 'add', '2001:db8:6::b/64', 'dev', ifB, 'nodad');
  } catch (e) {
    destroy();
    throw e;
  }
  const counter: VethLab['counter'] = (ns, ifname, name) => {
    const out = execFileSync(
      'ip',
      ['netns', 'exec', ns, 'cat', `/sys/class/net/${ifname}/statistics/${name}`],
      {
        encoding: 'utf8',
      },
    );
    return Number(out.trim());
  };
  return { nsA, nsB, ifA, ifB, counter, destroy };
}
