// The sequence being edited: participants, aliases and steps, each step with a stable key so the
// diagram keeps its selection when steps move. Pure; converts to and from the API definition
// (@netspotter/shared/sequences) without adding or losing anything.
import type { Message } from '@netspotter/shared';
import { actorOf, type SequenceDefinition, type SequenceStep } from '@netspotter/shared/sequences';

export type { SequenceDefinition, SequenceStep };
export type Participant = SequenceDefinition['participants'][number];
export type StepOp = SequenceStep['op'];

export interface DocStep {
  key: number;
  step: SequenceStep;
}

export interface SequenceDoc {
  description: string;
  participants: Participant[];
  /** In the order the user added them (the API keeps them as a record). */
  aliases: Array<[name: string, value: string]>;
  steps: DocStep[];
  /** The definition's own templates, kept as they came (edited in the template editor). */
  templates?: SequenceDefinition['templates'];
  nextKey: number;
}

export const STARTER_MESSAGE: Message = {
  template: 'ethernet',
  values: {
    dst: '33:33:00:00:12:34',
    body: {
      template: 'ipv6',
      values: { dst: 'ff3e::1234', body: { template: 'udp', values: { dstPort: 5000, body: '68656c6c6f' } } },
    },
  },
};

export function emptyDoc(): SequenceDoc {
  return { description: '', participants: [], aliases: [], steps: [], nextKey: 1 };
}

export function fromDefinition(def: SequenceDefinition): SequenceDoc {
  const steps = def.steps.map((step, i) => ({ key: i + 1, step: structuredClone(step) }));
  return {
    description: def.description ?? '',
    participants: def.participants.map((p) => ({ ...p })),
    aliases: Object.entries(def.aliases ?? {}),
    steps,
    ...(def.templates && { templates: structuredClone(def.templates) }),
    nextKey: steps.length + 1,
  };
}

export function toDefinition(doc: SequenceDoc): SequenceDefinition {
  return {
    ...(doc.description.trim() && { description: doc.description.trim() }),
    participants: doc.participants.map((p) => ({ ...p })),
    ...(doc.aliases.length > 0 && { aliases: Object.fromEntries(doc.aliases) }),
    ...(doc.templates?.length && { templates: structuredClone(doc.templates) }),
    steps: doc.steps.map((s) => structuredClone(s.step)),
  };
}

/**
 * A new step of a kind, acting at `who` (the first participant when the diagram has one). A send goes
 * out from the sender's own MAC (`$who.mac`, resolved from its interface at run time); an expect
 * leaves the source out, which matches any sender.
 */
export function newStep(op: StepOp, who: string): SequenceStep {
  switch (op) {
    case 'send': {
      const message = structuredClone(STARTER_MESSAGE);
      if (who) message.values = { ...message.values, src: `$${who}.mac` };
      return { op, from: who, message, count: 1 };
    }
    case 'expect':
    case 'expect-none':
      return { op, at: who, message: structuredClone(STARTER_MESSAGE), count: 1, timeoutMs: 2000 };
    case 'join':
    case 'leave':
      return { op, at: who, group: 'ff3e::1234' };
    case 'wait':
      return { op, ms: 1000 };
    case 'barrier':
      return { op };
  }
}

export function addStep(doc: SequenceDoc, step: SequenceStep, at = doc.steps.length): number {
  const key = doc.nextKey++;
  doc.steps.splice(Math.max(0, Math.min(at, doc.steps.length)), 0, { key, step });
  return key;
}

/** Moves a step to a new place in time (index in the new order, clamped). */
export function moveStep(doc: SequenceDoc, from: number, to: number): void {
  const [s] = doc.steps.splice(from, 1);
  if (!s) return;
  doc.steps.splice(Math.max(0, Math.min(to, doc.steps.length)), 0, s);
}

export const indexOfKey = (doc: SequenceDoc, key: number): number =>
  doc.steps.findIndex((s) => s.key === key);

export function deleteStep(doc: SequenceDoc, key: number): void {
  const i = indexOfKey(doc, key);
  if (i >= 0) doc.steps.splice(i, 1);
}

/** A name not yet used by a participant: h1, h2, … */
export function freeParticipantName(doc: SequenceDoc): string {
  const used = new Set(doc.participants.map((p) => p.name));
  let n = 1;
  while (used.has(`h${n}`)) n++;
  return `h${n}`;
}

/** Renames a participant and every step that names it (so a rename never breaks the steps). */
export function renameParticipant(doc: SequenceDoc, from: string, to: string): void {
  for (const p of doc.participants) if (p.name === from) p.name = to;
  for (const { step } of doc.steps) {
    if (step.op === 'send' && step.from === from) step.from = to;
    else if ('at' in step && step.at === from) step.at = to;
  }
}

/** Removes a participant with the steps acting at it. */
export function removeParticipant(doc: SequenceDoc, name: string): void {
  doc.participants = doc.participants.filter((p) => p.name !== name);
  doc.steps = doc.steps.filter(({ step }) => actorOf(step) !== name);
}

export function setAlias(doc: SequenceDoc, name: string, value: string): void {
  const i = doc.aliases.findIndex(([n]) => n === name);
  if (i >= 0) doc.aliases[i] = [name, value];
  else doc.aliases.push([name, value]);
}

export function removeAlias(doc: SequenceDoc, name: string): void {
  doc.aliases = doc.aliases.filter(([n]) => n !== name);
}

/** "ethernet / ipv6 / udp": the templates a message nests, outermost first. */
export function messageChain(msg: Message): string {
  const names: string[] = [];
  let m: unknown = msg;
  while (m && typeof m === 'object' && 'template' in m) {
    names.push((m as Message).template);
    m = (m as Message).values?.body;
  }
  return names.join(' / ');
}

/** The label of a step's arrow or box in the diagram. */
export function stepLabel(step: SequenceStep): string {
  switch (step.op) {
    case 'send':
      return `send ${messageChain(step.message)}${(step.count ?? 1) > 1 ? ` ×${step.count}` : ''}`;
    case 'expect':
      return `expect ${messageChain(step.message)}${(step.count ?? 1) > 1 ? ` ×${step.count}` : ''} within ${step.timeoutMs ?? 2000} ms`;
    case 'expect-none':
      return `expect none: ${messageChain(step.message)} for ${step.timeoutMs ?? 2000} ms`;
    case 'join':
    case 'leave':
      return `${step.op} ${step.source ? `(${step.source}, ${step.group})` : step.group}`;
    case 'wait':
      return `wait ${step.ms} ms`;
    case 'barrier':
      return 'all participants synchronise';
  }
}
