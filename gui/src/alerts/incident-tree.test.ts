import { describe, expect, it } from 'vitest';
import { suspectAt } from './incident-tree.ts';

const suspect = (device: string, point: 'in' | 'out', iface?: string) => ({
  device,
  point,
  ...(iface && { interface: iface }),
  confidence: 0.8,
  receivers: ['rx1'],
  evidence: [],
});

describe('the suspected end of a tree branch', () => {
  const label = new Map([['dev-7', 'SW']]);
  it('matches a suspect by device id or label, point and port', () => {
    const s = suspect('SW', 'out', 'p4');
    expect(suspectAt({ device: 'dev-7', ifName: 'p4' }, 'out', [s], label)).toBe(s);
    expect(suspectAt({ device: 'dev-7', ifName: 'p6' }, 'out', [s], label)).toBeUndefined();
    expect(suspectAt({ device: 'dev-7', ifName: 'p4' }, 'in', [s], label)).toBeUndefined();
    expect(suspectAt({ device: 'SW', ifName: 'p4' }, 'out', [s], new Map())).toBe(s);
  });
  it('a suspect without a port marks every branch at that point of the device; listener ends never', () => {
    const s = suspect('SW', 'in');
    expect(suspectAt({ device: 'dev-7', ifName: 'p5' }, 'in', [s], label)).toBe(s);
    expect(suspectAt({ listeners: 1 }, 'in', [s], label)).toBeUndefined();
  });
});
