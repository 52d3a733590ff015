// Group membership through the kernel socket API, so the host sends real MLDv2 reports (an AF_PACKET
// or pcap receiver alone never joins anything). ASM: IPV6_JOIN_GROUP; SSM: MCAST_JOIN_SOURCE_GROUP.
import { createSocket, type Socket } from 'node:dgram';

export interface GroupRef {
  interface: string;
  group: string;
  source?: string;
}

const key = (g: GroupRef) => `${g.interface}|${g.group}|${g.source ?? '*'}`;

/** Memberships held by one job; leaving (or closing) drops them, which sends MLD leave/block reports. */
export class Memberships {
  readonly #sockets = new Map<string, Socket>();

  async join(g: GroupRef): Promise<void> {
    if (this.#sockets.has(key(g))) return;
    const s = createSocket({ type: 'udp6', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::', () => resolve());
    });
    const iface = `::%${g.interface}`;
    if (g.source) s.addSourceSpecificMembership(g.source, g.group, iface);
    else s.addMembership(g.group, iface);
    this.#sockets.set(key(g), s);
  }

  leave(g: GroupRef): void {
    const s = this.#sockets.get(key(g));
    if (!s) return;
    try {
      if (g.source) s.dropSourceSpecificMembership(g.source, g.group, `::%${g.interface}`);
      else s.dropMembership(g.group, `::%${g.interface}`);
    } finally {
      s.close();
      this.#sockets.delete(key(g));
    }
  }

  closeAll(): void {
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }
}
