// The vendor family of a device, by its sysObjectID's private enterprise number.
import { enterpriseOf } from '../vendor.ts';
import { alcatelLucent } from './alcatel-lucent.ts';
import { cisco } from './cisco.ts';
import { extreme } from './extreme.ts';
import { fortinet } from './fortinet.ts';
import { hp } from './hp.ts';
import { huawei } from './huawei.ts';
import { mikrotik } from './mikrotik.ts';
import { nokia } from './nokia.ts';
import { STANDARD, type VendorQuirks } from './quirks.ts';
import { tplink } from './tplink.ts';

const BY_ENTERPRISE: Record<number, VendorQuirks> = {
  9: cisco,
  11: hp,
  1916: extreme,
  2011: huawei,
  6486: alcatelLucent,
  6527: nokia,
  11863: tplink,
  12356: fortinet,
  14988: mikrotik,
};

export function quirksFor(sysObjectID: string | undefined): VendorQuirks {
  return BY_ENTERPRISE[enterpriseOf(sysObjectID) ?? -1] ?? STANDARD;
}
