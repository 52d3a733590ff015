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
