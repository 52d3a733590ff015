// The credential as the API accepts it (one flat object), checked in detail here so every error names
// its field (a JSON-Schema union would only say "must match a schema").
import type { SnmpCredentialInput } from '@netspotter/shared';
import type { CredentialBody } from '@netspotter/shared/api';
import { badRequest } from '../domain-errors.ts';
import { validateCredential } from '../services/credentials.ts';

export function fromCredentialBody(b: CredentialBody, field = 'credential'): SnmpCredentialInput {
  let input: SnmpCredentialInput;
  if (b.version === 'v3') {
    if (b.community !== undefined) throw badRequest(`${field}.community`, 'not used with v3');
    if (!b.user) throw badRequest(`${field}.user`, 'is required for v3');
    input = {
      version: 'v3',
      user: b.user,
      ...(b.authProtocol !== undefined && {
        authProtocol: b.authProtocol.toLowerCase() as never,
        authKey: b.authKey,
      }),
      ...(b.privProtocol !== undefined && {
        privProtocol: b.privProtocol.toLowerCase() as never,
        privKey: b.privKey,
      }),
    };
  } else {
    const v3Only = (['user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const).find(
      (k) => b[k] !== undefined,
    );
    if (v3Only) throw badRequest(`${field}.${v3Only}`, `only used with v3`);
    if (b.community === undefined) throw badRequest(`${field}.community`, `is required for ${b.version}`);
    input = { version: b.version, community: b.community };
  }
  validateCredential(input, field);
  return input;
}
