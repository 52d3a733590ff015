// An agent's host facts in words for the Agents list: its interfaces (name, MAC, addresses; the
// loopback last) and the local safety policy it reported (what jobs it refuses).
import type { HostInterface } from '@netspotter/shared/agent-protocol';

export function interfaceLines(interfaces: HostInterface[] | undefined): string[] {
  return [...(interfaces ?? [])]
    .sort((a, b) => Number(a.internal ?? false) - Number(b.internal ?? false))
    .map((i) => [i.name, i.mac, ...i.addresses].filter(Boolean).join(' '));
}

const rate = (bps: number) =>
  bps >= 1e9
    ? `${+(bps / 1e9).toFixed(2)} Gbit/s`
    : bps >= 1e6
      ? `${+(bps / 1e6).toFixed(2)} Mbit/s`
      : `${+(bps / 1e3).toFixed(2)} kbit/s`;

/** The policy as the agent reported it (the server cannot change it), or "no limits". */
export function policyWords(policy: unknown): string {
  if (typeof policy !== 'object' || policy === null) return 'not reported';
  const p = policy as {
    interfaces?: unknown;
    maxPps?: unknown;
    maxBitsPerSecond?: unknown;
    maxDurationMs?: unknown;
  };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const parts = [
    Array.isArray(p.interfaces) && p.interfaces.length ? `only ${p.interfaces.join(', ')}` : undefined,
    num(p.maxPps) !== undefined ? `at most ${num(p.maxPps)} pps` : undefined,
    num(p.maxBitsPerSecond) !== undefined ? `at most ${rate(num(p.maxBitsPerSecond)!)}` : undefined,
    num(p.maxDurationMs) !== undefined
      ? `jobs up to ${+(num(p.maxDurationMs)! / 1000).toFixed(1)} s`
      : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no limits';
}
