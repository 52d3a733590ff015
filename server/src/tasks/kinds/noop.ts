// A task that does nothing for a while and then succeeds or fails: for tests and for checking
// that scheduling works end to end on an installation.
import { Type } from 'typebox';
import { wait } from '@netspotter/shared';
import { defineKind } from '../kind.ts';

export const noopKind = defineKind({
  kind: 'noop',
  description: 'Waits durationMs (reporting progress every second), then ends with the chosen outcome.',
  argsSchema: Type.Object(
    {
      durationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, default: 0 })),
      outcome: Type.Optional(
        Type.Union([Type.Literal('succeed'), Type.Literal('fail')], { default: 'succeed' }),
      ),
      message: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  async run(ctx, args) {
    const total = args.durationMs ?? 0;
    for (let waited = 0; waited < total;) {
      const step = Math.min(1000, total - waited);
      if (!(await wait(step, ctx.signal))) throw ctx.signal.reason;
      waited += step;
      await ctx.progress({ waitedMs: waited, totalMs: total });
    }
    const ok = (args.outcome ?? 'succeed') === 'succeed';
    return { ok, message: args.message ?? (ok ? 'done' : 'failed as asked'), result: { waitedMs: total } };
  },
});
