// Multicast load test: senders stream signed frames to a group; receivers joined through the kernel
// report received/lost/duplicated/reordered/late, one-way latency and RFC 3550 jitter per stream.
import { LoadArgsSchema } from '@netspotter/shared/api';
import { defineKind } from '../kind.ts';
import { compileLoad, summariseLoad } from '../../agents/compile-load.ts';
import { knownAgents } from '../../agents/participants.ts';
import { runAgentJobs } from '../../agents/run-jobs.ts';

export const loadKind = defineKind({
  kind: 'load',
  description:
    'Multicast load test between agents: loss, duplicates, reordering, latency and jitter per receiver',
  argsSchema: LoadArgsSchema,
  async run(rc, args) {
    const jobs = compileLoad(args, await knownAgents(rc.db));
    return runAgentJobs(rc, jobs, args, (done) => ({ load: summariseLoad(done) }));
  },
});
