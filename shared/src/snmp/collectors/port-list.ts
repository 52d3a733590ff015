// Bitmaps of ports or VLANs (Q-BRIDGE-MIB PortList, CiscoPortList, CISCO-VTP-MIB VlansEnabled): the first
// octet's most significant bit is the first member, and missing trailing octets mean zero.

/** The numbers of the set bits, the first bit counting as `first` (1 for ports, 0 or 1024·k for VLANs). */
export function setBits(value: unknown, first: number): number[] {
  if (!Buffer.isBuffer(value)) return [];
  const out: number[] = [];
  value.forEach((octet, i) => {
    for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) out.push(first + i * 8 + bit);
  });
  return out;
}
