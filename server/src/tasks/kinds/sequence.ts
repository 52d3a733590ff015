// Runs a stored packet sequence: compiled into one plan per participant against the agents enrolled
// now, dispatched as jobs with a synchronised start; per-step outcomes come back as job results.
import { Type } from 'typebox';
import { Int32 } from '@netspotter/shared';
import { defineKind } from '../kind.ts';
import { knownAgents } from '../../agents/participants.ts';
import { AgentLossArgs } from '../../agents/agent-loss.ts';
import { runAgentJobs } from '../../agents/run-jobs.ts';
import { compileSequence } from '../../sequences/compile.ts';
import type { SequenceDefinition } from '../../sequences/schema.ts';

export const SequenceArgsSchema = Type.Object(
  {
    sequenceId: Type.String({ minLength: 1, maxLength: 64 }),
    /** A stored version; the latest when unset. */
    version: Type.Optional(Int32({ minimum: 1 })),
    startDelayMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 3000 }),
    ...AgentLossArgs,
  },
  { additionalProperties: false },
);

export const sequenceKind = defineKind({
  kind: 'sequence',
  description:
    'Run a packet sequence across agents: send, expect (or expect none), join/leave, wait, barriers',
  argsSchema: SequenceArgsSchema,
  async run(rc, args) {
    const { prisma } = rc.db;
    const seq = await prisma.sequence.findUnique({ where: { id: args.sequenceId } });
    if (!seq) return { ok: false, message: `args.sequenceId: no sequence ${args.sequenceId}` };
    const version = args.version ?? seq.version;
    const stored = await prisma.sequenceVersion.findUnique({
      where: { sequenceId_version: { sequenceId: seq.id, version } },
    });
    if (!stored)
      return { ok: false, message: `args.version: sequence "${seq.name}" has no version ${version}` };
    // Kept on the run: the results page must show the steps of the version compiled, not guess it later.
    await prisma.taskRun.update({
      where: { id: rc.runId },
      data: { sequenceId: seq.id, sequenceVersion: version, sequenceName: seq.name },
    });
    const jobs = compileSequence(
      stored.definition as unknown as SequenceDefinition,
      await knownAgents(rc.db),
    );
    return runAgentJobs(rc, jobs, args);
  },
});
