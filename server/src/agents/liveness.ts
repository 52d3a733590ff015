// Agent liveness from the time since its last beat: suspect after 3 missed beats, offline after 6.
import { OFFLINE_AFTER_BEATS, SUSPECT_AFTER_BEATS } from '@netspotter/shared/agent-protocol';

export type Liveness = 'online' | 'suspect' | 'offline';

export function liveness(lastSeenAt: Date | null, now: number, heartbeatSeconds: number): Liveness {
  if (!lastSeenAt) return 'offline';
  const missed = Math.floor((now - lastSeenAt.getTime()) / (heartbeatSeconds * 1000));
  return missed >= OFFLINE_AFTER_BEATS ? 'offline' : missed >= SUSPECT_AFTER_BEATS ? 'suspect' : 'online';
}
