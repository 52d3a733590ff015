// The nodes of agents that took part in recent tests of a group: runs of load and sequence tasks,
// their jobs' agents, and those agents' reported addresses matched to the graph's nodes.
import {
  sequenceOfTask,
  type Agent,
  type Job,
  type Run,
  type StoredSequence,
  type Task,
} from '@netspotter/shared/api';
import { api } from '../api.ts';
import type { SequenceDefinition } from '../sequences/document.ts';
import type { Graph } from './graph.ts';
import { agentNodes } from './monitor-overlay.ts';
import { testedGroups, testsGroup } from './tested-groups.ts';

const RECENT_RUNS = 30;

/** Agent names by node id, for the nodes of `graph` (a layer of `snapshot`). */
export async function testedNodes(
  graph: Graph,
  group: string,
  snapshot: string,
): Promise<Map<string, string[]>> {
  const [runs, tasks, agents, addressed] = await Promise.all([
    api<Run[]>('GET', `/api/runs?limit=${RECENT_RUNS}`),
    api<Task[]>('GET', '/api/tasks'),
    api<Agent[]>('GET', '/api/agents'),
    // Multicast nodes carry at most a few addresses: the L3 layer of the same snapshot has them all, by node id.
    graph.layer === 'l3'
      ? graph
      : api<Graph>('GET', `/api/topology?${new URLSearchParams({ layer: 'l3', snapshot })}`),
  ]);
  const definitions = new Map<string, SequenceDefinition | undefined>();
  const relevant = async (task: Task | undefined) => {
    if (!task || !['load', 'convergence', 'sequence'].includes(task.kind)) return false;
    const seqId = sequenceOfTask(task)?.sequenceId;
    if (seqId && !definitions.has(seqId))
      definitions.set(
        seqId,
        await api<StoredSequence>('GET', `/api/sequences/${seqId}`, undefined, {
          quiet: [404],
        }).then(
          (s) => s.definition,
          () => undefined,
        ),
      );
    return testsGroup(testedGroups(task.kind, task.args, seqId ? definitions.get(seqId) : undefined), group);
  };
  const agentIds = new Set<string>();
  for (const run of runs) {
    if (!(await relevant(tasks.find((t) => t.id === run.taskId)))) continue;
    const jobs = await api<Job[]>('GET', `/api/jobs?runId=${run.id}&limit=1000`);
    for (const j of jobs) agentIds.add(j.agentId);
  }
  const nodeOf = agentNodes(addressed, agents);
  const shown = new Set(graph.nodes.map((n) => n.id));
  const nodes = new Map<string, string[]>();
  for (const a of agents) {
    const node = nodeOf.get(a.id);
    if (agentIds.has(a.id) && node && shown.has(node)) nodes.set(node, [...(nodes.get(node) ?? []), a.name]);
  }
  return nodes;
}
