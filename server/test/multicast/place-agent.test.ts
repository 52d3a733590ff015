// Test agents placed on the topology from the evidence of their MACs and addresses.
import { describe, expect, it } from 'vitest';
import { agentIdentity, placeAgent } from '../../src/multicast/place-agent.ts';
import { flowTopology, labFacts } from './support/fixture.ts';

describe('placeAgent', () => {
  const facts = labFacts();
  // R1 resolved an agent's address to its MAC (ND); SW learned that MAC on port 6.
  facts[0]!.neighbors = [{ ifIndex: 2, address: '2001:db8:5::22', family: 'ipv6', mac: '02:00:00:00:aa:04' }];
  facts[2]!.bridge.fdb.push({ mac: '02:00:00:00:aa:02', ifIndex: 1, status: 3 });
  // SW2 hears an LLDP neighbour on q2 announcing chassis 02:00:00:00:aa:05.
  facts[2]!.lldp.remotes.push({
    localPortNum: 2,
    chassisIdSubtype: 4,
    chassisId: '02:00:00:00:aa:05',
    portIdSubtype: 5,
    portId: 'eth0',
    managementAddresses: [],
  });
  const t = flowTopology(facts);
  const perDevice = facts.map((f) => [f]);

  it('an agent whose MAC a switch learned on an edge port sits on that port (the uplink learned it too)', () => {
    const who = agentIdentity([{ mac: '02:00:00:00:AA:02', addresses: ['2001:db8:5::2/64', 'fe80::2'] }]);
    expect(who).toEqual({ macs: ['02:00:00:00:aa:02'], addresses: ['2001:db8:5::2'] });
    expect(placeAgent(t, who, perDevice)).toEqual({
      device: 'SW',
      ifIndex: 4,
      ifName: 'p4',
      evidence: 'FDB',
    });
  });

  it('an agent known by its address only: ND gives the MAC, the FDB the port', () => {
    const who = agentIdentity([{ addresses: ['2001:db8:5::22'] }]);
    expect(placeAgent(t, who, perDevice)).toEqual({
      device: 'SW',
      ifIndex: 6,
      ifName: 'p6',
      evidence: 'ARP/ND',
    });
  });

  it('an agent an LLDP neighbour announces by its MAC sits on the port that hears it', () => {
    expect(
      placeAgent(t, agentIdentity([{ mac: '02:00:00:00:aa:05', addresses: [] }]), perDevice),
    ).toMatchObject({
      device: 'SW2',
      ifIndex: 2,
      evidence: 'LLDP',
    });
  });

  it('an agent on a polled device is that device; one nobody saw is not placed', () => {
    expect(placeAgent(t, agentIdentity([{ addresses: ['2001:db8:1::1'] }]), perDevice)).toEqual({
      device: 'R1',
      evidence: 'address',
    });
    expect(
      placeAgent(t, agentIdentity([{ mac: '02:00:00:00:ee:ee', addresses: [] }]), perDevice),
    ).toBeUndefined();
  });
});
