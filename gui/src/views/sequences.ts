// Sequence editor: participants bound to agents, address aliases grouped per agent, the diagram of
// steps (add, drag to move, delete), the selected step's form, undo/redo, save as a new version with
// the server's errors shown at the step, a check against the enrolled agents, run now and schedule.
import type { TemplateDef, TemplateLibrary } from '@netspotter/shared';
import { sequenceOfTask, type Agent, type Run, type StoredSequence, type Task } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { fill, h } from '../dom.ts';
import { editable, field, routeFieldError, select, textInput } from '../forms.ts';
import { noticeError, noticeInfo } from '../notices.ts';
import { routeQuery, type View } from '../router.ts';
import { canEdit } from '../session.ts';
import type { AgentFacts } from '../sequences/alias-groups.ts';
import { drawDiagram } from '../sequences/diagram-view.ts';
import {
  addStep,
  deleteStep,
  emptyDoc,
  fromDefinition,
  indexOfKey,
  moveStep,
  newStep,
  toDefinition,
  type SequenceDoc,
  type StepOp,
} from '../sequences/document.ts';
import { placeError, withoutField, type ErrorPlace } from '../sequences/error-place.ts';
import { History } from '../sequences/history.ts';
import { definitionProblems } from '@netspotter/shared/sequences';
import { templatesFor } from '../sequences/templates-used.ts';
import { checkTemplates, loadUserTemplates } from '../templates/user-templates.ts';
import { aliasPanel, participantsPanel } from '../sequences/participants-panel.ts';
import { stepForm } from '../sequences/step-form.ts';
import { cronFields, nextRunList } from '../tasks/cron-field.ts';
import { followRun } from '../tasks/follow-run.ts';
import { describeProgress } from '../tasks/progress.ts';

const ADD: Array<[StepOp, string]> = [
  ['send', 'Send'],
  ['expect', 'Expect'],
  ['expect-none', 'Expect none'],
  ['join', 'Join'],
  ['leave', 'Leave'],
  ['wait', 'Wait'],
  ['barrier', 'Barrier'],
];

type StepError = { place: Extract<ErrorPlace, { area: 'step' }>; message: string };

const toFacts = (a: Agent): AgentFacts => ({
  name: a.name,
  state: a.state,
  interfaces: (a.facts?.interfaces ?? []).map((i) => ({
    name: i.name,
    ...(i.mac && { mac: i.mac }),
    addresses: i.addresses ?? [],
  })),
});

export const sequencesView: View = {
  path: '/sequences',
  title: 'Sequences',
  minRole: 'viewer',
  async render(root) {
    const mayEdit = canEdit();
    const [agents, stored, userTemplates] = await Promise.all([
      api<Agent[]>('GET', '/api/agents')
        .then((rows) => rows.map(toFacts))
        .catch(() => [] as AgentFacts[]),
      api<StoredSequence[]>('GET', '/api/sequences').catch(() => [] as StoredSequence[]),
      loadUserTemplates().then(
        (r) => r.defs,
        () => [] as TemplateDef[],
      ),
    ]);
    let list = stored;
    let current: { id?: string; version?: number } = {};
    const history = new History<SequenceDoc>(emptyDoc());
    let selected: number | undefined;
    let dirty = false;
    const stepErrors = new Map<number, StepError>();
    const participantErrors = new Map<number, { part?: string; message: string }>();
    const stops: Array<() => void> = [];

    const picker = select('sequence', []);
    const pickField = field('Open', picker);
    const name = field('Name', textInput('name', { required: true, size: 24 }));
    const description = field('Description', textInput('description', { size: 48 }));
    const generalError = h('div', { class: 'field-error general-error', role: 'alert' });
    const status = h('span', { class: 'small muted', 'aria-live': 'polite' });
    const undoBtn = h('button', { type: 'button', title: 'Undo (Ctrl+Z)' }, 'Undo');
    const redoBtn = h('button', { type: 'button', title: 'Redo (Ctrl+Shift+Z)' }, 'Redo');
    const saveBtn = h('button', { type: 'button', class: 'primary' }, 'Save');
    const checkBtn = h(
      'button',
      { type: 'button', title: 'Compile against the enrolled agents without running' },
      'Check',
    );
    const partSlot = h('div');
    const aliasSlot = h('div');
    const diagramSlot = h('div', { class: 'diagram-wrap' });
    const formSlot = h('div', { class: 'step-slot' });
    const runBtn = h('button', { type: 'button' }, 'Run now');
    const runArea = h('div', { class: 'run-area', 'aria-live': 'polite' });

    const doc = () => history.current;
    /** Built-ins, the user's templates (latest) and the sequence's own that no user template replaces. */
    const lib = (): TemplateLibrary =>
      checkTemplates([
        ...(doc().templates ?? []).filter((t) => !userTemplates.some((u) => u.name === t.name)),
        ...userTemplates,
      ]).library;

    const fillPicker = () => {
      fill(
        picker,
        h('option', { value: '' }, '— new sequence —'),
        ...list.map((s) => h('option', { value: s.id }, `${s.name} (v${s.version})`)),
      );
      picker.value = current.id ?? '';
    };

    const updateButtons = () => {
      undoBtn.disabled = !mayEdit || !history.canUndo;
      redoBtn.disabled = !mayEdit || !history.canRedo;
      saveBtn.disabled = !mayEdit;
      runBtn.disabled = !mayEdit || !current.id || dirty;
      runBtn.title = !current.id || dirty ? 'Save the sequence first' : 'Run the saved version now';
      status.textContent = current.id
        ? `version ${current.version}${dirty ? ' · unsaved changes' : ' · saved'}`
        : dirty
          ? 'not saved yet'
          : '';
    };

    const renderDiagram = () => {
      const d = doc();
      if (selected !== undefined && indexOfKey(d, selected) < 0) selected = undefined;
      fill(
        diagramSlot,
        drawDiagram(
          d,
          { selected, invalid: new Set(stepErrors.keys()), editable: mayEdit },
          {
            select: (key) => {
              selected = key;
              renderDiagram();
              renderForm();
              diagramSlot.querySelector<SVGGElement>(`g.row[data-key="${key}"]`)?.focus();
            },
            move: (from, to) => {
              const key = d.steps[from]?.key;
              edit((x) => moveStep(x, from, to));
              if (key !== undefined)
                diagramSlot.querySelector<SVGGElement>(`g.row[data-key="${key}"]`)?.focus();
            },
            remove: (key) => edit((x) => deleteStep(x, key)),
          },
        ),
      );
    };

    const renderForm = () => {
      const d = doc();
      const index = selected === undefined ? -1 : indexOfKey(d, selected);
      const item = d.steps[index];
      if (!item) {
        fill(
          formSlot,
          h(
            'p',
            { class: 'empty' },
            d.steps.length
              ? 'Select a step in the diagram (click it, or focus it and press Enter) to edit it.'
              : 'Add participants, then steps.',
          ),
        );
        return;
      }
      const error = stepErrors.get(item.key);
      const form = stepForm(
        {
          step: item.step,
          index,
          count: d.steps.length,
          key: item.key,
          participants: d.participants,
          lib: lib(),
          ...(error && { error }),
        },
        {
          change: (mutate, mergeKey, redraw) => {
            history.edit((x) => mutate(x.steps[indexOfKey(x, item.key)]!.step), mergeKey);
            dirty = true;
            renderDiagram();
            updateButtons();
            if (redraw) renderForm();
          },
          move: (delta) => edit((x) => moveStep(x, indexOfKey(x, item.key), indexOfKey(x, item.key) + delta)),
          remove: () => edit((x) => deleteStep(x, item.key)),
        },
      );
      fill(formSlot, editable('Selected step', form));
    };

    const renderAll = () => {
      const d = doc();
      if (description.input.value !== d.description) description.input.value = d.description;
      fill(partSlot, editable('Participants', participantsPanel(d, agents, participantErrors, { edit })));
      fill(aliasSlot, editable('Aliases', aliasPanel(d, agents, { edit })));
      renderDiagram();
      renderForm();
      updateButtons();
    };

    /** One undo step: change the document, then redraw everything from it. */
    function edit(change: (d: SequenceDoc) => void, mergeKey?: string) {
      history.edit(change, mergeKey);
      dirty = true;
      renderAll();
    }

    const clearServerErrors = () => {
      stepErrors.clear();
      participantErrors.clear();
      generalError.textContent = '';
      name.setError();
    };

    /** Puts a problem where it belongs: the step (and its field), the participant, or the form. */
    const placeProblem = (field: string | undefined, message: string) => {
      const place = placeError(field);
      if (place.area === 'step') {
        const item = doc().steps[place.index];
        if (item) {
          if (!stepErrors.has(item.key)) stepErrors.set(item.key, { place, message });
          selected ??= item.key;
        } else generalError.textContent = `step ${place.index + 1}: ${message}`;
      } else if (place.area === 'participant') {
        participantErrors.set(place.index, { ...(place.part && { part: place.part }), message });
      } else generalError.textContent = field ? `${field}: ${message}` : message;
    };

    const showServerError = (err: unknown) => {
      if (!(err instanceof RequestError) || routeFieldError(err, { name })) return;
      selected = undefined;
      placeProblem(err.field, withoutField(err.message, err.field));
      renderAll();
    };

    const load = (s: StoredSequence | undefined) => {
      current = s ? { id: s.id, version: s.version } : {};
      name.input.value = s?.name ?? '';
      history.reset(s ? fromDefinition(s.definition) : emptyDoc());
      selected = undefined;
      dirty = false;
      clearServerErrors();
      fill(runArea);
      fillPicker();
      window.history.replaceState(null, '', s ? `#/sequences?id=${s.id}` : '#/sequences');
      renderAll();
    };

    const check = async (quietSuccess = false) => {
      if (!current.id) return;
      try {
        const { plans } = await api<{ plans: Array<{ participant: string }> }>(
          'POST',
          `/api/sequences/${current.id}/check`,
          undefined,
          { quiet: [400] },
        );
        if (!quietSuccess)
          noticeInfo(`Ready to run: ${plans.length} plans compiled against the enrolled agents`);
      } catch (err) {
        if (err instanceof RequestError && err.status === 400) {
          noticeError(`Saved, but it cannot run as it is: ${err.message}`);
          showServerError(err);
        }
      }
    };

    const save = async () => {
      clearServerErrors();
      const { templates: _carried, ...rest } = toDefinition(doc());
      const templates = templatesFor(toDefinition(doc()), userTemplates);
      const body = {
        name: name.input.value.trim(),
        definition: { ...rest, ...(templates.length && { templates }) },
      };
      if (!body.name) {
        name.setError('give the sequence a name');
        name.input.focus();
        return;
      }
      // The server's schema, checked here first so every problem shows at its step at once.
      const problems = definitionProblems(body.definition);
      if (problems.length) {
        selected = undefined;
        for (const p of problems) placeProblem(p.field, p.message);
        renderAll();
        noticeError(`Not saved: ${problems.length} problem${problems.length > 1 ? 's' : ''}, marked in red`);
        return;
      }
      try {
        const saved = current.id
          ? await api<StoredSequence>('PUT', `/api/sequences/${current.id}`, body)
          : await api<StoredSequence>('POST', '/api/sequences', body);
        current = { id: saved.id, version: saved.version };
        dirty = false;
        list = [...list.filter((s) => s.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
        fillPicker();
        window.history.replaceState(null, '', `#/sequences?id=${saved.id}`);
        noticeInfo(`Saved ${saved.name} as version ${saved.version}`);
        renderAll();
        await check(true);
      } catch (err) {
        showServerError(err);
      }
    };

    /** The sequence task of this sequence, created the first time it is run or scheduled. */
    const sequenceTask = async (): Promise<Task> => {
      const tasks = await api<Task[]>('GET', '/api/tasks');
      const found = tasks.find((t) => sequenceOfTask(t)?.sequenceId === current.id);
      if (found) return found;
      return api<Task>('POST', '/api/tasks', {
        name: `sequence ${name.input.value.trim()}`,
        kind: 'sequence',
        args: { sequenceId: current.id },
      });
    };

    const showRun = (run: Run) => {
      const p = describeProgress(run.progress);
      fill(
        runArea,
        h('span', { class: `state state-${run.state}`, 'data-testid': 'run-state' }, run.state),
        ' ',
        p.text ? h('span', { class: 'small' }, p.text, ' ') : null,
        run.message ? h('span', { class: 'message' }, run.message, ' ') : null,
        h('a', { href: `#/results?run=${run.id}` }, 'Results of this run'),
      );
    };

    const runNow = async () => {
      try {
        const task = await sequenceTask();
        const run = await api<Run>('POST', `/api/tasks/${task.id}/run`);
        noticeInfo(`${name.input.value.trim()} queued`);
        showRun(run);
        stops.push(followRun(run.id, showRun, () => undefined));
      } catch {
        // the notice says why
      }
    };

    const timing = cronFields();
    const scheduled = h('div', { class: 'next-runs' });
    const scheduleForm = h(
      'form',
      { 'aria-label': 'Schedule this sequence' },
      timing.cron.wrap,
      timing.timezone.wrap,
      timing.preview,
      h('button', { type: 'submit' }, 'Schedule'),
      scheduled,
    );
    scheduleForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!current.id || dirty) {
        noticeError('Save the sequence before scheduling it');
        return;
      }
      try {
        const task = await sequenceTask();
        const s = await api<{ nextRuns: string[] }>('POST', '/api/schedules', {
          taskId: task.id,
          ...timing.value(),
        });
        noticeInfo('Schedule saved');
        fill(timing.preview); // the stored schedule's runs replace the preview
        fill(scheduled, h('strong', {}, 'Scheduled; next runs: '), nextRunList(s.nextRuns));
      } catch (err) {
        routeFieldError(err, { cron: timing.cron, timezone: timing.timezone });
      }
    });

    picker.addEventListener('change', () => {
      if (dirty && !confirm('Discard the unsaved changes?')) {
        picker.value = current.id ?? '';
        return;
      }
      load(list.find((s) => s.id === picker.value));
    });
    description.input.addEventListener('input', () => {
      history.edit((d) => void (d.description = description.input.value), 'description');
      dirty = true;
      updateButtons();
    });
    name.input.addEventListener('input', () => {
      dirty = true;
      updateButtons();
    });
    const undo = () => history.undo() && ((dirty = true), renderAll());
    const redo = () => history.redo() && ((dirty = true), renderAll());
    undoBtn.addEventListener('click', undo);
    redoBtn.addEventListener('click', redo);
    saveBtn.addEventListener('click', () => void save());
    checkBtn.addEventListener('click', () => void check());
    runBtn.addEventListener('click', () => void runNow());

    const addButtons = ADD.map(([op, label]) =>
      h(
        'button',
        {
          type: 'button',
          'data-add': op,
          onclick: () => {
            const d = doc();
            const at = selected === undefined ? d.steps.length : indexOfKey(d, selected) + 1;
            const who = d.participants[0]?.name ?? 'h1';
            history.edit((x) => (selected = addStep(x, newStep(op, who), at)));
            dirty = true;
            renderAll();
          },
        },
        `+ ${label}`,
      ),
    );

    const editor = h(
      'div',
      { class: 'seq-editor' },
      h(
        'div',
        { class: 'seq-toolbar' },
        pickField.wrap,
        editable('Sequence', h('div', { class: 'seq-name-row' }, name.wrap, description.wrap)),
        h('div', { class: 'buttons' }, saveBtn, checkBtn, undoBtn, redoBtn, status),
      ),
      generalError,
      h(
        'div',
        { class: 'seq-columns' },
        h('div', { class: 'seq-side' }, partSlot, aliasSlot),
        h(
          'div',
          { class: 'seq-main' },
          editable(
            'Add a step',
            h(
              'div',
              { class: 'buttons add-steps', role: 'group', 'aria-label': 'Add a step' },
              ...addButtons,
            ),
          ),
          h(
            'p',
            { class: 'hint' },
            'Drag a step (or focus it and press Alt+↑/↓) to move it in time; Delete removes it.',
          ),
          diagramSlot,
          formSlot,
        ),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'run-h' },
        h('h2', { id: 'run-h' }, 'Run and schedule'),
        editable('Run', h('div', { class: 'buttons' }, runBtn, runArea), scheduleForm),
      ),
    );
    // On the document: after an undo redraws the diagram, focus may have fallen back to the body.
    const shortcuts = (ev: KeyboardEvent) => {
      const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement;
      if (!mayEdit || typing || !(ev.ctrlKey || ev.metaKey)) return;
      const key = ev.key.toLowerCase();
      if (key === 'z' && !ev.shiftKey) undo();
      else if ((key === 'z' && ev.shiftKey) || key === 'y') redo();
      else return;
      ev.preventDefault();
    };
    document.addEventListener('keydown', shortcuts);
    stops.push(() => document.removeEventListener('keydown', shortcuts));
    root.append(editor);

    const wanted = routeQuery().get('id');
    load(list.find((s) => s.id === wanted));
    return () => stops.forEach((stop) => stop());
  },
};
