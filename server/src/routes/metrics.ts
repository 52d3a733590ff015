// GET /metrics in the Prometheus text format, for a bearer token (metricsToken) or a client address on
// the allowlist (metricsAllow, loopback by default); everyone else gets 401 or 403.
import { timingSafeEqual } from 'node:crypto';
import { parseAddressOrRange, rangeContains } from '@netspotter/shared';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { clientAddress } from '../agents/agent-auth.ts';
import { monitoringRegistry } from '../monitors/metrics.ts';

const sameSecret = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function metricsRoutes(app: App, ctx: AppContext) {
  const { config } = ctx;
  const registry = monitoringRegistry(
    ctx.db,
    ctx.monitors,
    config.agentHeartbeatSeconds,
    config.metricsMaxCells,
  );
  const allowed = config.metricsAllow.map(parseAddressOrRange);
  app.get('/metrics', {
    config: { minRole: 'public' },
    schema: {
      tags: ['health'],
      summary:
        'Prometheus metrics: server health, agents by state, monitor cells (loss, delay, jitter, join latency per cell); bearer token or allowed address',
      produces: ['text/plain'],
    },
    handler: async (req, reply) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const byToken =
        bearer !== undefined && config.metricsToken !== undefined && sameSecret(bearer, config.metricsToken);
      const address = clientAddress(req).split('%')[0]!;
      const byAddress = allowed.some((r) => {
        try {
          return rangeContains(r, address);
        } catch {
          return false;
        }
      });
      if (!byToken && !byAddress) {
        if (bearer !== undefined) throw new ApiError(401, 'unauthenticated', 'wrong metrics token');
        throw new ApiError(
          403,
          'forbidden',
          `metrics are not open to ${address}: send the metrics token or add the address to metricsAllow`,
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  });
}
