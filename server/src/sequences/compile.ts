// Compiles a sequence into one plan per participant (pure). Each step goes to the participants it runs
// at (actorsOf); a barrier is inserted wherever the acting participant changes, so "h2 joins, then h1
// sends" holds across hosts. Expect steps need none: their capture is armed when the job starts. Every
// plan step carries the definition step it came from, and each barrier its origin, so results join back
// to the definition without re-deriving this. Errors are 400s naming the place:
// participants[i].agent / .interface, steps[i].at, steps[i].message.<field>.
import type { BarrierOrigin, Plan, Step } from '@netspotter/shared/agent-protocol';
import {
  builtinLibrary,
  MessageError,
  TemplateError,
  validateMessage,
  match,
  type Message,
  type TemplateLibrary,
} from '@netspotter/shared';
import { badRequest } from '../domain-errors.ts';
import type { PlannedJob } from '../agents/jobs.ts';
import { interfaceAddress, type AgentInfo } from '../agents/participants.ts';
import {
  actorOf,
  actorsOf,
  isOrdered,
  type SequenceDefinition,
  type SequenceStep,
} from '@netspotter/shared/sequences';

/** A plan step before it is numbered and given its definition step (Omit distributed over the union). */
type StepInput = Step extends infer S ? (S extends Step ? Omit<S, 'step' | 'definitionStep'> : never) : never;

const DEFAULT_TIMEOUT_MS = 2000;
const BARRIER_TIMEOUT_MS = 30_000;

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isExpectation = (x: unknown) => isObject(x) && (x.any === true || 'mask' in x || 'min' in x);

/** The library the sequence's messages use: built-ins plus its own templates. */
export function sequenceLibrary(def: SequenceDefinition): TemplateLibrary {
  if (!def.templates?.length) return builtinLibrary();
  let lib: TemplateLibrary;
  try {
    lib = builtinLibrary().with(def.templates);
  } catch (e) {
    if (e instanceof TemplateError) throw badRequest('templates', e.message);
    throw e;
  }
  // Templates resolve lazily: check them all now, so a broken one is refused when stored.
  const [problem] = lib.check();
  if (problem) throw badRequest('templates', problem.message);
  return lib;
}

/** Replaces `$alias` strings in message values (recursively, nested messages too). */
function resolveAliases(
  msg: Message,
  lookup: (name: string, field: string) => string,
  field: string,
): Message {
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string' && v.startsWith('$')) return lookup(v.slice(1), path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (isObject(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`)]));
    return v;
  };
  return {
    ...msg,
    ...(msg.values && { values: walk(msg.values, `${field}.values`) as Record<string, unknown> }),
  };
}

/** The message with expectation objects (ANY, masks, ranges) left out: what must encode for the rest to be valid. */
function withoutExpectations(msg: Message): Message {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (isObject(v))
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => !isExpectation(x))
          .map(([k, x]) => [k, strip(x)]),
      );
    return v;
  };
  return { ...msg, ...(msg.values && { values: strip(msg.values) as Record<string, unknown> }) };
}

function checkMessage(lib: TemplateLibrary, msg: Message, field: string, expected: boolean) {
  const issues = validateMessage(lib, expected ? withoutExpectations(msg) : msg);
  if (issues.length) {
    const first = issues[0]!;
    throw badRequest(`${field}${first.path ? `.${first.path}` : ''}`, first.message);
  }
  if (expected) {
    try {
      match(lib, msg, new Uint8Array(0)); // checks field names and expectation syntax against the templates
    } catch (e) {
      if (e instanceof MessageError)
        throw badRequest(
          `${field}${e.issues[0]?.path ? `.${e.issues[0].path}` : ''}`,
          e.issues[0]?.message ?? e.message,
        );
      throw e;
    }
  }
}

export function compileSequence(def: SequenceDefinition, agents: AgentInfo[]): PlannedJob[] {
  const lib = sequenceLibrary(def);
  const parts = new Map<string, { agent: AgentInfo; iface: string; plan: Plan }>();
  def.participants.forEach((p, i) => {
    if (parts.has(p.name)) throw badRequest(`participants[${i}].name`, `duplicate participant "${p.name}"`);
    const agent = agents.find((a) => a.name === p.agent || a.id === p.agent);
    if (!agent)
      throw badRequest(
        `participants[${i}].agent`,
        `unknown agent "${p.agent}" (enrolled: ${agents.map((a) => a.name).join(', ') || 'none'})`,
      );
    if (!agent.interfaces.includes(p.interface)) {
      throw badRequest(
        `participants[${i}].interface`,
        `agent "${agent.name}" has no interface "${p.interface}" (it has: ${agent.interfaces.join(', ')})`,
      );
    }
    parts.set(p.name, {
      agent,
      iface: p.interface,
      plan: { kind: 'sequence', templates: def.templates ?? [], steps: [] },
    });
  });
  const part = (name: string, field: string) => {
    const p = parts.get(name);
    if (!p)
      throw badRequest(
        field,
        `unknown participant "${name}" (participants: ${[...parts.keys()].join(', ')})`,
      );
    return p;
  };
  const lookup = (name: string, field: string): string => {
    const [who, what] = name.split('.');
    const alias = def.aliases?.[name];
    if (alias !== undefined) return alias;
    const p = parts.get(who!);
    if (!p) throw badRequest(field, `unknown alias "$${name}"`);
    const facts = p.agent.addresses[p.iface];
    if (what === 'mac') {
      if (!facts?.mac) throw badRequest(field, `"$${name}": ${p.agent.name} ${p.iface} has no MAC`);
      return facts.mac;
    }
    const addr = interfaceAddress(p.agent, p.iface);
    if (what !== undefined || !addr)
      throw badRequest(field, `"$${name}": no such address of ${p.agent.name} ${p.iface}`);
    return addr;
  };
  const names = [...parts.keys()];
  const push = (name: string, definitionStep: number, step: StepInput) => {
    const plan = parts.get(name)!.plan;
    plan.steps.push({ ...step, step: plan.steps.length, definitionStep } as Step);
  };
  let barriers = 0;
  const barrierAll = (definitionStep: number, origin: BarrierOrigin, timeoutMs = BARRIER_TIMEOUT_MS) => {
    const name = `b${++barriers}`;
    for (const n of names) push(n, definitionStep, { op: 'barrier', name, timeoutMs, origin });
  };
  let lastActor: string | undefined;
  def.steps.forEach((s: SequenceStep, i) => {
    const f = `steps[${i}]`;
    const actor = actorOf(s);
    if (actor !== undefined) part(actor, `${f}.${s.op === 'send' ? 'from' : 'at'}`);
    const ordered = isOrdered(s);
    if (ordered && actor !== undefined && lastActor !== undefined && actor !== lastActor)
      barrierAll(i, 'handover');
    switch (s.op) {
      case 'send': {
        const message = resolveAliases(s.message, lookup, `${f}.message`);
        checkMessage(lib, message, `${f}.message`, false);
        push(s.from, i, {
          op: 'send',
          interface: parts.get(s.from)!.iface,
          message,
          count: s.count ?? 1,
          intervalMs: s.intervalMs ?? 0,
        });
        break;
      }
      case 'expect':
      case 'expect-none': {
        const message = resolveAliases(s.message, lookup, `${f}.message`);
        checkMessage(lib, message, `${f}.message`, true);
        push(s.at, i, {
          op: s.op,
          interface: parts.get(s.at)!.iface,
          message,
          count: s.count ?? 1,
          timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        });
        break;
      }
      case 'join':
      case 'leave': {
        const source = s.source?.startsWith('$') ? lookup(s.source.slice(1), `${f}.source`) : s.source;
        push(s.at, i, {
          op: s.op,
          interface: parts.get(s.at)!.iface,
          group: s.group,
          ...(source && { source }),
        });
        break;
      }
      case 'wait':
        for (const n of actorsOf(s, names)) push(n, i, { op: 'wait', ms: s.ms });
        break;
      case 'barrier':
        barrierAll(i, 'definition', s.timeoutMs);
        break;
    }
    if (ordered && actor !== undefined) lastActor = actor;
    if (s.op === 'barrier') lastActor = undefined;
  });
  return [...parts.entries()].map(([name, p]) => ({ agentId: p.agent.id, participant: name, plan: p.plan }));
}
