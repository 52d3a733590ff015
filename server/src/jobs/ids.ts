// Ids derived from what they name, in UUID form: whoever derives one for the same thing gets the same id,
// so storing it twice (a replayed arrival, a schedule fired by two replicas) stores it once.
import { createHash } from 'node:crypto';

export function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
