// Coloured words for port states: up green, down red, the rest grey; and a port's VLANs in one phrase.
import { snmpWords } from '@netspotter/shared';
import type { DevicePort } from '@netspotter/shared/api';
import { h } from '../dom.ts';

const TONE: Record<string, string> = {
  up: 'ok',
  down: 'bad',
  'lower layer down': 'bad',
  forwarding: 'ok',
  blocking: 'warn',
  broken: 'bad',
  disabled: 'muted',
};

/** A state word as a coloured tag (the colour repeats the word; it never carries meaning alone). */
export const stateTag = (word: string) =>
  word ? h('span', { class: `tag tone-${TONE[word] ?? 'muted'}` }, word) : '';

export const ifStatus = (n: number | undefined) => snmpWords.ifStatus(n);

export function vlanWords(v: DevicePort['vlans']): string {
  if (!v) return '';
  if (v.access !== undefined) return `access ${v.access}`;
  const parts = [
    v.native !== undefined && `native ${v.native}`,
    v.tagged?.length && `tagged ${compactList(v.tagged)}`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** 1,2,3,5,7,8 → "1-3,5,7-8": long VLAN lists stay readable. */
export function compactList(ns: number[]): string {
  const s = [...new Set(ns)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j + 1;
  }
  return out.join(',');
}

export function speedWords(mbps: number | undefined): string {
  if (mbps === undefined || mbps === 0) return '';
  return mbps >= 1000 ? `${mbps / 1000} Gbit/s` : `${mbps} Mbit/s`;
}
