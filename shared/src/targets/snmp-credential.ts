// SNMP credential shapes shared by the API, the CLI target files and the GUI forms.
export const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type AuthProtocol = (typeof AUTH_PROTOCOLS)[number];
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

export type SnmpCredentialInput =
  | { version: 'v1' | 'v2c'; community: string }
  | {
      version: 'v3';
      user: string;
      authProtocol?: AuthProtocol;
      authKey?: string;
      privProtocol?: PrivProtocol;
      privKey?: string;
    };

/** RFC 3414 keys shorter than 8 characters are refused by agents; refuse them early. */
export const MIN_V3_KEY_LENGTH = 8;

/** Problems with a v3 credential, as [field, reason] pairs (no secret is ever echoed). */
export function checkV3(c: Extract<SnmpCredentialInput, { version: 'v3' }>): [string, string][] {
  const errors: [string, string][] = [];
  if (!/^[\x21-\x7e]{1,32}$/.test(c.user)) errors.push(['user', 'must be 1-32 printable characters']);
  if (c.authProtocol !== undefined && !AUTH_PROTOCOLS.includes(c.authProtocol)) {
    errors.push([
      'authProtocol',
      `unknown auth protocol "${c.authProtocol}" (use ${AUTH_PROTOCOLS.join(', ')})`,
    ]);
  }
  if (c.privProtocol !== undefined && !PRIV_PROTOCOLS.includes(c.privProtocol)) {
    errors.push([
      'privProtocol',
      `unknown privacy protocol "${c.privProtocol}" (use ${PRIV_PROTOCOLS.join(', ')})`,
    ]);
  }
  if (c.authProtocol && (c.authKey ?? '').length < MIN_V3_KEY_LENGTH) {
    errors.push(['authKey', `must be at least ${MIN_V3_KEY_LENGTH} characters`]);
  }
  if (c.privProtocol && !c.authProtocol)
    errors.push(['privProtocol', 'privacy needs authentication (authPriv)']);
  if (c.privProtocol && (c.privKey ?? '').length < MIN_V3_KEY_LENGTH) {
    errors.push(['privKey', `must be at least ${MIN_V3_KEY_LENGTH} characters`]);
  }
  return errors;
}
