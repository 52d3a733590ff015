// SNMP discovery as a task kind: polls the stored targets, builds the topology, stores a snapshot.
import { Type } from 'typebox';
import { PICK } from '@netspotter/shared/api';
import { defineKind } from '../kind.ts';
import { startDiscoveryRun } from '../../discovery/jobs/start.ts';

export const discoveryArgs = Type.Object(
  {
    targetIds: Type.Optional(
      Type.Array(Type.String({ maxLength: 64, [PICK]: 'target' }), {
        maxItems: 100_000,
        description: 'targets to poll (default: all)',
      }),
    ),
    follow: Type.Optional(
      Type.Object(
        {
          depth: Type.Integer({ minimum: 0, maximum: 8 }),
          allow: Type.Array(Type.String({ maxLength: 64 }), {
            minItems: 1,
            maxItems: 256,
            description: 'CIDR ranges neighbours must be in',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, default: 64 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1 })),
    deviceBudgetMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 86_400_000,
        default: 300_000,
        description:
          'wall-clock time one device may take; later tables are skipped and the device reported partial',
      }),
    ),
    pollerWaitMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 3_600_000,
        default: 120_000,
        description:
          'how long a device of a site waits for a poller (an agent of that site) to take it before it is reported unreachable',
      }),
    ),
  },
  { additionalProperties: false },
);

export const discoveryKind = defineKind({
  kind: 'discovery',
  description: 'Polls targets over SNMP, builds the L2/L3/multicast topology and stores it as a snapshot.',
  argsSchema: discoveryArgs,
  // One job per device on the job engine, taken by any worker; the run ends when its snapshot is stored.
  async run(ctx, args) {
    await startDiscoveryRun(ctx, args);
    return { ok: true, continues: true };
  },
});
