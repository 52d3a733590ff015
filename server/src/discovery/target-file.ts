// Target files for `netspotter discover`: the shared bulk-import line format (address or CIDR range,
// community or v3 credentials, `#` comments) plus `:PORT` (`127.0.0.1:1161`, `[::1]:1161`). Pure:
// errors come back per line.
import { expandRange, parseTargetLines, type TargetLineError } from '@netspotter/shared';
import type { Target } from '@netspotter/shared/snmp/target';

export type { TargetLineError };

/** A range expands to its addresses; `maxRange` bounds how many one line may cover. */
export function parseTargetFile(
  text: string,
  defaultCommunity = 'public',
  maxRange = 4096,
): { targets: Target[]; errors: TargetLineError[] } {
  const parsed = parseTargetLines(text, { allowPort: true, defaultCommunity, maxRange });
  const targets = parsed.targets.flatMap((t) =>
    [...expandRange(t.address)].map((address): Target => ({
      address,
      ...(t.port !== undefined && { port: t.port }),
      credential: t.credential ?? { version: 'v2c', community: defaultCommunity },
    })),
  );
  return { targets, errors: parsed.errors };
}
