// Sequence editor: participants bound to agents, address aliases grouped per agent, the diagram of
// steps (add, drag to move, delete), the selected step's form, undo/redo, save as a new version with
// the server's errors shown at the step, a check against the enrolled agents, run now and schedule.
// The controller: user actions change the editor's state (sequences/editor-state.ts), which the
// editor's parts are drawn from (sequences/editor-view.ts); saving and checking talk to the server.
import type { TemplateDef, TemplateLibrary } from '@netspotter/shared';
import {
  sequenceOfTask,
  type Agent,
  type SequenceCheck,
  type StoredSequence,
  type Task,
} from '@netspotter/shared/api';
import { definitionProblems } from '@netspotter/shared/sequences';
import { api, RequestError } from '../api.ts';
import { fill, h } from '../dom.ts';
import { routeFieldError } from '../forms.ts';
import { noticeError, noticeInfo } from '../notices.ts';
import { routeQuery, type View } from '../router.ts';
import { canEdit } from '../session.ts';
import type { AgentFacts } from '../sequences/alias-groups.ts';
import type { StepOp } from '../sequences/document.ts';
import { EditorState } from '../sequences/editor-state.ts';
import { editorDrawing, editorParts } from '../sequences/editor-view.ts';
import { withoutField } from '../sequences/error-place.ts';
import { runPanel } from '../sequences/run-panel.ts';
import { checkTemplates, loadUserTemplates } from '../templates/user-templates.ts';

const ADD: Array<[StepOp, string]> = [
  ['send', 'Send'],
  ['expect', 'Expect'],
  ['expect-none', 'Expect none'],
  ['join', 'Join'],
  ['leave', 'Leave'],
  ['wait', 'Wait'],
  ['barrier', 'Barrier'],
];

const toFacts = (a: Agent): AgentFacts => ({
  name: a.name,
  state: a.state,
  interfaces: (a.facts?.interfaces ?? []).map((i) => ({
    name: i.name,
    ...(i.mac && { mac: i.mac }),
    ...(i.internal !== undefined && { internal: i.internal }),
    addresses: i.addresses ?? [],
  })),
  ...(policyInterfaces(a.facts?.policy) && { allowed: policyInterfaces(a.facts?.policy) }),
});

/** The interfaces an agent's local policy allows, as its host facts report the policy (unset: any). */
function policyInterfaces(policy: unknown): string[] | undefined {
  const list = (policy as { interfaces?: unknown } | undefined)?.interfaces;
  return Array.isArray(list) && list.length && list.every((x) => typeof x === 'string')
    ? (list as string[])
    : undefined;
}

export const sequencesView: View = {
  path: '/sequences',
  title: 'Sequences',
  minRole: 'viewer',
  async render(root) {
    const mayEdit = canEdit();
    const [agents, stored, userTemplates] = await Promise.all([
      api<Agent[]>('GET', '/api/agents').then(
        (rows) => rows.map(toFacts),
        () => [] as AgentFacts[],
      ),
      api<StoredSequence[]>('GET', '/api/sequences').catch(() => [] as StoredSequence[]),
      loadUserTemplates().then(
        (r) => r.defs,
        () => [] as TemplateDef[],
      ),
    ]);
    let list = stored;
    const state = new EditorState();
    const ui = editorParts();
    const sequenceName = () => ui.name.input.value.trim();
    const run = runPanel({
      task: () => sequenceTask(state.stored.id!, sequenceName()),
      name: sequenceName,
      ready: () => state.canRun,
    });
    /** Built-ins, the user's templates (latest) and the sequence's own that no user template replaces. */
    const lib = (): TemplateLibrary =>
      checkTemplates([
        ...(state.doc.templates ?? []).filter((t) => !userTemplates.some((u) => u.name === t.name)),
        ...userTemplates,
      ]).library;
    const controls = () => {
      ui.undo.disabled = !mayEdit || !state.history.canUndo;
      ui.redo.disabled = !mayEdit || !state.history.canRedo;
      ui.save.disabled = !mayEdit;
      ui.status.textContent = state.statusText;
      run.update(mayEdit);
    };
    const draw = editorDrawing(state, ui, { mayEdit, agents, lib, controls });

    const showList = () => {
      const options = list.map((s) => h('option', { value: s.id }, `${s.name} (v${s.version})`));
      fill(ui.picker, h('option', { value: '' }, '— new sequence —'), ...options);
      ui.picker.value = state.stored.id ?? '';
      const id = state.stored.id;
      window.history.replaceState(null, '', id ? `#/sequences?id=${id}` : '#/sequences');
    };
    const open = (s: StoredSequence | undefined) => {
      state.open(s);
      ui.name.input.value = s?.name ?? '';
      ui.name.setError();
      run.clear();
      showList();
      draw.all();
    };
    /** Places a refusal at the step, participant or field it names. */
    const showProblems = (problems: Array<{ field: string | undefined; message: string }>) => {
      state.selected = undefined;
      for (const p of problems) state.place(p.field, p.message);
      draw.all();
    };
    const showServerError = (err: unknown) => {
      if (err instanceof RequestError && !routeFieldError(err, { name: ui.name }))
        showProblems([{ field: err.field, message: withoutField(err.message, err.field) }]);
    };
    const check = async (quietSuccess = false) => {
      const id = state.stored.id;
      if (!id) return;
      try {
        const path = `/api/sequences/${id}/check`;
        const { plans } = await api<SequenceCheck>('POST', path, undefined, { quiet: [400] });
        if (!quietSuccess)
          noticeInfo(`Ready to run: ${plans.length} plans compiled against the enrolled agents`);
      } catch (err) {
        if (!(err instanceof RequestError && err.status === 400)) return;
        noticeError(`Saved, but it cannot run as it is: ${err.message}`);
        showServerError(err);
      }
    };
    const save = async () => {
      state.clearProblems();
      ui.name.setError();
      const body = { name: sequenceName(), definition: state.definitionToSave(userTemplates) };
      if (!body.name) {
        ui.name.setError('give the sequence a name');
        ui.name.input.focus();
        return;
      }
      // The server's schema, checked here first so every problem shows at its step at once.
      const problems = definitionProblems(body.definition);
      if (problems.length) {
        showProblems(problems);
        return noticeError(
          `Not saved: ${problems.length} problem${problems.length > 1 ? 's' : ''}, marked in red`,
        );
      }
      const id = state.stored.id;
      try {
        const saved = await api<StoredSequence>(
          id ? 'PUT' : 'POST',
          `/api/sequences${id ? `/${id}` : ''}`,
          body,
        );
        state.saved(saved);
        list = [...list.filter((s) => s.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
        showList();
        noticeInfo(`Saved ${saved.name} as version ${saved.version}`);
        draw.all();
        await check(true);
      } catch (err) {
        showServerError(err);
      }
    };

    ui.picker.addEventListener('change', () => {
      if (!state.dirty || confirm('Discard the unsaved changes?'))
        open(list.find((s) => s.id === ui.picker.value));
      else ui.picker.value = state.stored.id ?? '';
    });
    ui.description.input.addEventListener('input', () => {
      state.edit((d) => void (d.description = ui.description.input.value), 'description');
      controls();
    });
    ui.name.input.addEventListener('input', () => {
      state.dirty = true;
      controls();
    });
    const undo = () => state.undo() && draw.all();
    const redo = () => state.redo() && draw.all();
    ui.undo.addEventListener('click', undo);
    ui.redo.addEventListener('click', redo);
    ui.save.addEventListener('click', () => void save());
    ui.check.addEventListener('click', () => void check());
    const addButtons = ADD.map(([op, label]) => {
      const add = () => (state.addStep(op), draw.all());
      return h('button', { type: 'button', 'data-add': op, onclick: add }, `+ ${label}`);
    });

    root.append(ui.layout(addButtons, run.el));
    const stopShortcuts = undoShortcuts(() => mayEdit, undo, redo);
    open(list.find((s) => s.id === routeQuery().get('id')));
    return () => {
      stopShortcuts();
      run.stop();
    };
  },
};

/** The sequence's task, created the first time it is run or scheduled. */
async function sequenceTask(sequenceId: string, name: string): Promise<Task> {
  const tasks = await api<Task[]>('GET', '/api/tasks');
  const found = tasks.find((t) => sequenceOfTask(t)?.sequenceId === sequenceId);
  if (found) return found;
  return api<Task>('POST', '/api/tasks', {
    name: `sequence ${name}`,
    kind: 'sequence',
    args: { sequenceId },
  });
}

/** Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z or +Y redoes, except while typing; returns the remover. */
function undoShortcuts(enabled: () => boolean, undo: () => void, redo: () => void): () => void {
  // On the document: after an undo redraws the diagram, focus may have fallen back to the body.
  const shortcuts = (ev: KeyboardEvent) => {
    const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement;
    if (!enabled() || typing || !(ev.ctrlKey || ev.metaKey)) return;
    const key = ev.key.toLowerCase();
    if (key === 'z' && !ev.shiftKey) undo();
    else if ((key === 'z' && ev.shiftKey) || key === 'y') redo();
    else return;
    ev.preventDefault();
  };
  document.addEventListener('keydown', shortcuts);
  return () => document.removeEventListener('keydown', shortcuts);
}
