// Vendor name from the sysObjectID enterprise number (SMI Network Management Private Enterprise Codes).
const ENTERPRISES: Record<number, string> = {
  9: 'Cisco',
  11: 'HP',
  674: 'Dell',
  1271: 'Ciena',
  1916: 'Extreme',
  2011: 'Huawei',
  2636: 'Juniper',
  4413: 'Ubiquiti',
  6027: 'Dell (Force10)',
  6486: 'Alcatel-Lucent',
  6527: 'Nokia',
  8072: 'Net-SNMP',
  11863: 'TP-Link',
  12356: 'Fortinet',
  14988: 'MikroTik',
  25506: 'HPE (H3C)',
  30065: 'Arista',
  35265: 'Eltex',
  36673: 'IP Infusion',
  40310: 'NVIDIA Cumulus',
  47196: 'HPE Aruba',
};

/** The private enterprise number a sysObjectID sits under (1.3.6.1.4.1.N…). */
export function enterpriseOf(sysObjectID: string | undefined): number | undefined {
  const m = /^\.?1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectID ?? '');
  return m ? Number(m[1]) : undefined;
}

export function vendorOf(sysObjectID: string | undefined): string | undefined {
  const n = enterpriseOf(sysObjectID);
  return n === undefined ? undefined : ENTERPRISES[n];
}

/**
 * The model as the device's description names it, where vendors write it in a known place (no MIB
 * gives it without ENTITY-MIB): "Juniper Networks, Inc. mx240 internet router", "Cisco IOS Software,
 * C3560 Software", "Arista Networks EOS version … running on an Arista Networks DCS-7050TX-128".
 */
export function modelOf(sysDescr: string | undefined): string | undefined {
  if (!sysDescr) return undefined;
  const patterns = [
    /Juniper Networks, Inc\. (\S+)/i,
    /running on an? .*?\b([A-Z]{2,}[-\w]*\d[-\w]*)\s*$/,
    /Cisco (?:IOS|NX-OS)[^,]*,\s*(\S+) Software/i,
    /\b(DCS-\S+|WS-C\S+|C9\d{3}\S*|N\dK-\S+|OS\d{4}\S*|MES\d{4}\S*|USW-\S+|JL\d{3}A|QFX\d+\S*|EX\d{4}\S*|MX\d+\S*)/,
  ];
  for (const p of patterns) {
    const m = p.exec(sysDescr);
    if (m?.[1]) return m[1].replace(/[,;]$/, '');
  }
  return undefined;
}
