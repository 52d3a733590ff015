// Bearer tokens and session cookies: random secrets of which only a SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'nst_';

export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
