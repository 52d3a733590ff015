import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { definitionProblems, SequenceDefinitionSchema } from '@netspotter/shared/sequences';
import {
  addStep,
  deleteStep,
  emptyDoc,
  fromDefinition,
  moveStep,
  newStep,
  removeParticipant,
  renameParticipant,
  setAlias,
  stepLabel,
  toDefinition,
  type SequenceDefinition,
  type SequenceDoc,
} from './document.ts';
import { History } from './history.ts';
import { placeError, withoutField } from './error-place.ts';
import { dropIndex, layoutDiagram } from './diagram-layout.ts';
import { aliasGroups, aliasProblem, defaultInterface } from './alias-groups.ts';
import { templatesFor } from './templates-used.ts';
import { EditorState } from './editor-state.ts';

const def: SequenceDefinition = {
  description: 'SSM join, send, expect',
  participants: [
    { name: 'h1', agent: 'tx', interface: 'eth0' },
    { name: 'h2', agent: 'rx', interface: 'eth1' },
  ],
  aliases: { src: '2001:db8:1::1' },
  steps: [
    { op: 'join', at: 'h2', group: 'ff3e::1', source: '$src' },
    { op: 'send', from: 'h1', message: { template: 'ethernet', values: { dst: '$h2.mac' } }, count: 2 },
    {
      op: 'expect',
      at: 'h2',
      message: { template: 'ethernet', values: { src: { any: true } } },
      count: 2,
      timeoutMs: 500,
    },
    { op: 'wait', ms: 100 },
    { op: 'barrier' },
  ],
};

const twoParticipants = (): SequenceDoc => {
  const d = emptyDoc();
  d.participants.push({ name: 'h1', agent: 'tx', interface: 'eth0' });
  d.participants.push({ name: 'h2', agent: 'rx', interface: 'eth0' });
  return d;
};

describe('document ↔ API definition', () => {
  it('round-trips a definition exactly, aliases kept in order', () => {
    const doc = fromDefinition(def);
    expect(doc.steps.map((s) => s.key)).toEqual([1, 2, 3, 4, 5]);
    expect(toDefinition(doc)).toEqual(def);
  });

  it('new steps of every kind are valid by the server’s schema', () => {
    const d = twoParticipants();
    for (const op of ['send', 'expect', 'expect-none', 'join', 'leave', 'wait', 'barrier'] as const)
      addStep(d, newStep(op, 'h1'));
    expect(Value.Errors(SequenceDefinitionSchema, toDefinition(d))).toEqual([]);
    expect(toDefinition(emptyDoc())).toEqual({ participants: [], steps: [] });
  });

  it('sends from the participant’s own MAC by default; an expect leaves the source open', () => {
    const send = newStep('send', 'h1');
    expect(send.op === 'send' && send.message.values?.src).toBe('$h1.mac');
    const exp = newStep('expect', 'h2');
    expect(exp.op === 'expect' && exp.message.values && 'src' in exp.message.values).toBe(false);
  });

  it('adds at a place, moves in time and deletes by key', () => {
    const d = twoParticipants();
    const a = addStep(d, newStep('send', 'h1'));
    const b = addStep(d, newStep('expect', 'h2'));
    const c = addStep(d, newStep('wait', 'h1'), 0);
    expect(d.steps.map((s) => s.key)).toEqual([c, a, b]);
    moveStep(d, 0, 2);
    expect(d.steps.map((s) => s.key)).toEqual([a, b, c]);
    moveStep(d, 2, 99); // clamped
    expect(d.steps.map((s) => s.key)).toEqual([a, b, c]);
    deleteStep(d, b);
    expect(d.steps.map((s) => s.step.op)).toEqual(['send', 'wait']);
  });

  it('renaming a participant renames it in its steps; removing one removes its steps', () => {
    const d = fromDefinition(def);
    renameParticipant(d, 'h2', 'rx1');
    const steps = toDefinition(d).steps;
    expect(steps[0]).toMatchObject({ at: 'rx1' });
    expect(steps[2]).toMatchObject({ at: 'rx1' });
    removeParticipant(d, 'rx1');
    expect(toDefinition(d).steps.map((s) => s.op)).toEqual(['send', 'wait', 'barrier']);
  });

  it('labels steps in words', () => {
    expect(def.steps.map(stepLabel)).toEqual([
      'join ($src, ff3e::1)',
      'send ethernet ×2',
      'expect ethernet ×2 within 500 ms',
      'wait 100 ms',
      'all participants synchronise',
    ]);
  });
});

describe('EditorState', () => {
  const stored = {
    id: 's1',
    name: 'probe',
    version: 3,
    definition: def,
    createdBy: null,
    createdAt: '',
    updatedAt: '',
  };

  it('opens a stored sequence clean, and says when it has unsaved changes', () => {
    const st = new EditorState();
    expect(st.statusText).toBe('');
    st.open(stored);
    expect([st.statusText, st.canRun]).toEqual(['version 3 · saved', true]);
    st.edit((d) => void (d.description = 'changed'));
    expect([st.statusText, st.canRun]).toEqual(['version 3 · unsaved changes', false]);
    expect(st.undo()).toBe(true);
    expect(st.doc.description).toBe(def.description);
    st.saved({ ...stored, version: 4 });
    expect([st.statusText, st.canRun]).toEqual(['version 4 · saved', true]);
  });

  it('adds a step after the selected one, at the first participant, and selects it', () => {
    const st = new EditorState();
    st.open(stored);
    st.selected = st.doc.steps[0]!.key;
    st.addStep('wait');
    expect(st.doc.steps.map((s) => s.step.op)).toEqual(['join', 'wait', 'send', 'expect', 'wait', 'barrier']);
    expect(st.selectedIndex()).toBe(1);
    st.edit((d) => d.steps.splice(1, 1));
    expect([st.selectedIndex(), st.selected]).toEqual([-1, undefined]);
  });

  it('places problems at their step (selecting the first), participant or the form', () => {
    const st = new EditorState();
    st.open(stored);
    st.place('definition.steps[2].timeoutMs', 'must be <= 3600000');
    st.place('steps[1].message.body.dst', 'not an IPv6 address');
    st.place('participants[1].interface', 'agent "rx" has no interface "eth1"');
    st.place('steps[9]', 'gone');
    st.place('name', 'taken');
    expect(st.selected).toBe(st.doc.steps[2]!.key);
    expect([...st.stepErrors.keys()]).toEqual([st.doc.steps[2]!.key, st.doc.steps[1]!.key]);
    expect(st.participantErrors.get(1)).toEqual({
      part: 'interface',
      message: 'agent "rx" has no interface "eth1"',
    });
    expect(st.generalError).toBe('name: taken');
    st.clearProblems();
    expect([st.stepErrors.size, st.participantErrors.size, st.generalError]).toEqual([0, 0, '']);
  });

  it('stores the definition with the user templates its messages use', () => {
    const st = new EditorState();
    st.open({
      ...stored,
      definition: { ...def, steps: [{ op: 'send', from: 'h1', message: { template: 'mine' } }] },
    });
    const mine = { name: 'mine', fields: [] };
    expect(st.definitionToSave([mine]).templates).toEqual([mine]);
    expect(st.definitionToSave([]).templates).toBeUndefined();
  });
});

describe('History', () => {
  it('undoes and redoes edits; a new edit drops the redo branch; past states are untouched', () => {
    const h = new History(twoParticipants());
    h.edit((d) => addStep(d, newStep('send', 'h1')));
    const afterOne = h.current;
    h.edit((d) => addStep(d, newStep('expect', 'h2')));
    expect(h.current.steps).toHaveLength(2);
    expect(afterOne.steps).toHaveLength(1);
    expect(h.undo()).toBe(true);
    expect(h.current.steps).toHaveLength(1);
    expect(h.redo()).toBe(true);
    expect(h.current.steps.map((s) => s.step.op)).toEqual(['send', 'expect']);
    h.undo();
    h.edit((d) => addStep(d, newStep('wait', 'h1')));
    expect(h.canRedo).toBe(false);
    expect(h.redo()).toBe(false);
    h.undo();
    h.undo();
    expect(h.current.steps).toEqual([]);
    expect(h.canUndo).toBe(false);
  });

  it('merges edits with the same key in a row into one undo step', () => {
    const h = new History(twoParticipants());
    for (const ms of [1, 10, 100]) h.edit((d) => void (d.description = `wait ${ms}`), 'description');
    h.edit((d) => addStep(d, newStep('barrier', 'h1')));
    h.edit((d) => void (d.description = 'other'), 'description');
    expect(h.undo()).toBe(true);
    expect(h.current.description).toBe('wait 100');
    h.undo();
    expect(h.current.description).toBe('wait 100');
    h.undo();
    expect(h.current.description).toBe('');
  });
});

describe('placeError', () => {
  it('puts schema and compiler errors on the step and the message field', () => {
    expect(placeError('definition.steps[3].ms')).toEqual({ area: 'step', index: 3, part: 'ms' });
    expect(placeError('definition.steps[1].message.values.body.values.dst')).toEqual({
      area: 'step',
      index: 1,
      part: 'message',
      messagePath: 'body.dst',
    });
    expect(placeError('steps[0].message.body.hopLimit')).toMatchObject({
      index: 0,
      messagePath: 'body.hopLimit',
    });
    expect(placeError('steps[2].at')).toEqual({ area: 'step', index: 2, part: 'at' });
    expect(placeError('definition.steps')).toEqual({ area: 'general', field: 'steps' });
    expect(placeError('participants[1].interface')).toEqual({
      area: 'participant',
      index: 1,
      part: 'interface',
    });
    expect(placeError('definition.aliases.x')).toEqual({ area: 'alias', name: 'x' });
    expect(placeError('name')).toEqual({ area: 'general', field: 'name' });
  });

  it('strips the field the server put before its message', () => {
    expect(withoutField('steps[2].ms: must be <= 3600000', 'steps[2].ms')).toBe('must be <= 3600000');
    expect(withoutField('no prefix', 'steps[2].ms')).toBe('no prefix');
  });
});

describe('diagram layout', () => {
  it('draws sends and joins into the network, expects out of it, waits as boxes, barriers as bars', () => {
    const d = fromDefinition(def);
    addStep(d, { op: 'send', from: 'gone', message: { template: 'udp' } });
    const l = layoutDiagram(d);
    expect(l.lanes).toEqual(['h1', 'h2', 'network']);
    expect(
      l.rows.map((r) => [r.shape, 'from' in r ? [r.from, r.to, r.style] : 'lanes' in r ? r.lanes : null]),
    ).toEqual([
      ['arrow', [1, 2, 'control']],
      ['arrow', [0, 2, 'message']],
      ['arrow', [2, 1, 'message']],
      ['box', [0, 1]],
      ['bar', null],
      ['arrow', [0, 2, 'message']],
    ]);
    expect(l.rows.map((r) => r.orphan)).toEqual([false, false, false, false, false, true]);
  });

  it('drops on the row under the pointer, clamped to the rows there are', () => {
    expect(dropIndex(10, 40, 30, 5)).toBe(0);
    expect(dropIndex(40 + 30 * 2 + 5, 40, 30, 5)).toBe(2);
    expect(dropIndex(900, 40, 30, 5)).toBe(4);
  });
});

describe('alias groups', () => {
  const agents = [
    {
      name: 'tx',
      state: 'online',
      interfaces: [
        { name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['fe80::1%eth0', '2001:db8:1::1/64'] },
      ],
    },
    { name: 'rx', state: 'online', interfaces: [{ name: 'eth1', addresses: ['2001:db8:2::2'] }] },
  ];

  it('groups aliases under the agent reporting the address, with the automatic participant names', () => {
    const d = fromDefinition(def);
    setAlias(d, 'far', '2001:db8:99::9');
    const groups = aliasGroups(d, agents);
    expect(
      groups.map((g) => [g.agent, g.aliases.map((a) => `${a.automatic ? '$' : ''}${a.name}=${a.value}`)]),
    ).toEqual([
      ['tx', ['$h1=2001:db8:1::1', '$h1.mac=02:00:00:00:00:01', 'src=2001:db8:1::1']],
      ['rx', ['$h2=2001:db8:2::2']],
      [undefined, ['far=2001:db8:99::9']],
    ]);
  });

  it('refuses bad names and names taken by participants', () => {
    const d = fromDefinition(def);
    expect(aliasProblem(d, '9x', 'ff3e::1')).toMatch(/letter/);
    expect(aliasProblem(d, 'h1', 'ff3e::1')).toMatch(/participant/);
    expect(aliasProblem(d, 'grp', ' ')).toMatch(/address/);
    expect(aliasProblem(d, 'grp', 'ff3e::1')).toBeUndefined();
  });
});

describe('definitionProblems (the server’s schema, step by step)', () => {
  it('names the step and field of the kind the step is, not the first kind of the union', () => {
    const d = fromDefinition(def);
    d.steps[3]!.step = { op: 'wait', ms: 99_999_999 };
    d.steps[0]!.step = { op: 'join', at: 'h2', group: 'f' };
    d.participants[1]!.name = '2x';
    expect(definitionProblems(toDefinition(d))).toEqual([
      { field: 'participants[1].name', message: 'a letter, then up to 31 letters, digits, - or _' },
      { field: 'steps[0].group', message: 'must not have fewer than 2 characters' },
      { field: 'steps[3].ms', message: 'must be <= 3600000' },
    ]);
  });

  it('finds nothing wrong in a valid definition; flags missing steps and participants', () => {
    expect(definitionProblems(def)).toEqual([]);
    expect(definitionProblems(toDefinition(emptyDoc())).map((p) => p.field)).toEqual([
      'participants',
      'steps',
    ]);
  });
});

describe('templatesFor', () => {
  const probe = { name: 'probe', extends: 'probe-base', fields: [] };
  const base = { name: 'probe-base', fields: [{ name: 'tag', type: 'uint' as const, bits: 8 }] };
  const unused = { name: 'other', fields: [] };

  it('carries the user templates the messages use (nested too) with what they extend, latest first', () => {
    const d: SequenceDefinition = {
      participants: def.participants,
      templates: [
        { name: 'probe', fields: [] },
        { name: 'legacy', fields: [] },
      ],
      steps: [
        {
          op: 'send',
          from: 'h1',
          message: {
            template: 'ethernet',
            values: { body: { template: 'ipv6', values: { body: { template: 'probe' } } } },
          },
        },
        { op: 'wait', ms: 1 },
      ],
    };
    expect(templatesFor(d, [unused, base, probe])).toEqual([base, probe, { name: 'legacy', fields: [] }]);
    expect(
      templatesFor({ ...d, templates: undefined, steps: [{ op: 'wait', ms: 1 }] }, [probe, base]),
    ).toEqual([]);
  });
});

describe('defaultInterface', () => {
  const lo = { name: 'lo', addresses: ['127.0.0.1/8', '::1/128'], internal: true };
  const eth0 = { name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['2001:db8::1/64'] };
  const eth1 = { name: 'eth1', addresses: ['2001:db8:1::1/64'] };
  it('starts a participant on a real link, not the loopback listed first', () => {
    expect(defaultInterface({ name: 'a', state: 'online', interfaces: [lo, eth0, eth1] })).toBe('eth0');
  });
  it('keeps to what the agent’s policy allows, the loopback only when nothing else is', () => {
    expect(
      defaultInterface({ name: 'a', state: 'online', interfaces: [lo, eth0, eth1], allowed: ['eth1'] }),
    ).toBe('eth1');
    expect(defaultInterface({ name: 'a', state: 'online', interfaces: [lo, eth0], allowed: ['lo'] })).toBe(
      'lo',
    );
    expect(defaultInterface({ name: 'a', state: 'online', interfaces: [lo] })).toBe('lo');
  });
});
