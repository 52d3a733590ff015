// Runs a stored packet sequence: compiled into one plan per participant against the agents enrolled
// now, dispatched as jobs with a synchronised start; per-step outcomes come back as job results.
import { SequenceArgsSchema } from '@netspotter/shared/api';
import { defineKind } from '../kind.ts';
import { knownAgents } from '../../agents/participants.ts';
import { runAgentJobs } from '../../agents/run-jobs.ts';
import { compileSequence } from '../../sequences/compile.ts';
import { sequenceVersion } from '../../services/sequences.ts';

export const sequenceKind = defineKind({
  kind: 'sequence',
  description:
    'Run a packet sequence across agents: send, expect (or expect none), join/leave, wait, barriers',
  argsSchema: SequenceArgsSchema,
  async run(rc, args) {
    const found = await sequenceVersion(rc.db, args.sequenceId, args.version);
    if (!found) return { ok: false, message: `args.sequenceId: no sequence ${args.sequenceId}` };
    const { sequence, version, definition } = found;
    if (!definition)
      return { ok: false, message: `args.version: sequence "${sequence.name}" has no version ${version}` };
    // Kept on the run: the results page must show the steps of the version compiled, not guess it later.
    await rc.db.prisma.taskRun.update({
      where: { id: rc.runId },
      data: { sequenceId: sequence.id, sequenceVersion: version, sequenceName: sequence.name },
    });
    return runAgentJobs(rc, compileSequence(definition, await knownAgents(rc.db)), args);
  },
});
