// The Debian packages the test suites drive as real parts, and a check of which are missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → what needs it (named in the skip summary). */
export const SYSTEM_PACKAGES = {
  postgresql: 'database suites on a real PostgreSQL (CI pass)',
  snmp: 'SNMP tools (snmpbulkwalk) for discovery tests and benchmark',
  snmpd: 'lab suites (snmpd in network namespaces)',
  snmpsim: 'discovery suites on recorded devices',
  lldpd: 'lab suites (LLDP in network namespaces)',
  smcroute: 'lab suites (static multicast routing)',
  iproute2: 'lab suites (network namespaces, veth, bridges)',
  nftables: 'monitor lab suite (beacons dropped on a bridge port)',
  'libpcap-dev': 'packet engine (cap) build and tests',
  tcpdump: 'packet capture checks',
  tshark: 'packet model oracle test (Wireshark dissectors)',
  'netsniff-ng': 'packet benchmarks (trafgen)',
  chromium: 'GUI end-to-end suites (Playwright)',
  'python3-scapy': 'reference generator in the frames benchmark (bench:frames)',
};

export function isDebian() {
  return existsSync('/etc/debian_version') && existsSync('/usr/bin/dpkg-query');
}

export function missingPackages() {
  if (!isDebian()) return Object.keys(SYSTEM_PACKAGES);
  return Object.keys(SYSTEM_PACKAGES).filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
}
