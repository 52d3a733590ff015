// The credential as the API accepts it: one flat object, checked in detail by fromCredentialBody
// so every error names its field (a JSON-Schema union would only say "must match a schema").
import { Type, type Static } from 'typebox';
import type { SnmpCredentialInput } from '@netspotter/shared';
import { badRequest } from '../http/errors.ts';
import { validateCredential } from '../services/credentials.ts';

export const CredentialBody = Type.Object(
  {
    version: Type.Union([Type.Literal('v1'), Type.Literal('v2c'), Type.Literal('v3')]),
    community: Type.Optional(Type.String({ maxLength: 255 })),
    user: Type.Optional(Type.String({ maxLength: 32 })),
    authProtocol: Type.Optional(Type.String({ maxLength: 16 })),
    authKey: Type.Optional(Type.String({ maxLength: 256 })),
    privProtocol: Type.Optional(Type.String({ maxLength: 16 })),
    privKey: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const PublicCredentialSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  community: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  user: Type.Union([Type.String(), Type.Null()]),
  authProtocol: Type.Union([Type.String(), Type.Null()]),
  authKey: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  privProtocol: Type.Union([Type.String(), Type.Null()]),
  privKey: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  targets: Type.Optional(Type.Integer()),
});

export function fromCredentialBody(
  b: Static<typeof CredentialBody>,
  field = 'credential',
): SnmpCredentialInput {
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
