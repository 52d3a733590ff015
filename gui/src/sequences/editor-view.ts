// The sequence editor's parts and how they are drawn from its state: the toolbar, participants and
// aliases, the diagram and the selected step's form. Changes come back as `edit` (one undo step, then
// everything redrawn) or, inside a step form, as a merged edit that redraws only the diagram.
import type { TemplateLibrary } from '@netspotter/shared';
import { fill, h } from '../dom.ts';
import { editable, field, select, textInput } from '../forms.ts';
import type { AgentFacts } from './alias-groups.ts';
import { drawDiagram } from './diagram-view.ts';
import { deleteStep, indexOfKey, moveStep, type SequenceDoc } from './document.ts';
import type { EditorState } from './editor-state.ts';
import { aliasPanel, participantsPanel } from './participants-panel.ts';
import { stepForm } from './step-form.ts';

export type EditorParts = ReturnType<typeof editorParts>;

/** The editor's controls and slots, and its layout around the add buttons and the run panel. */
export function editorParts() {
  const parts = {
    picker: select('sequence', []),
    name: field('Name', textInput('name', { required: true, size: 24 })),
    description: field('Description', textInput('description', { size: 48 })),
    generalError: h('div', { class: 'field-error general-error', role: 'alert' }),
    status: h('span', { class: 'small muted', 'aria-live': 'polite' }),
    undo: h('button', { type: 'button', title: 'Undo (Ctrl+Z)' }, 'Undo'),
    redo: h('button', { type: 'button', title: 'Redo (Ctrl+Shift+Z)' }, 'Redo'),
    save: h('button', { type: 'button', class: 'primary' }, 'Save'),
    check: h(
      'button',
      { type: 'button', title: 'Compile against the enrolled agents without running' },
      'Check',
    ),
    participants: h('div'),
    aliases: h('div'),
    diagram: h('div', { class: 'diagram-wrap' }),
    form: h('div', { class: 'step-slot' }),
  };
  const layout = (addButtons: HTMLElement[], runSection: HTMLElement) =>
    h(
      'div',
      { class: 'seq-editor' },
      h(
        'div',
        { class: 'seq-toolbar' },
        field('Open', parts.picker).wrap,
        editable('Sequence', h('div', { class: 'seq-name-row' }, parts.name.wrap, parts.description.wrap)),
        h('div', { class: 'buttons' }, parts.save, parts.check, parts.undo, parts.redo, parts.status),
      ),
      parts.generalError,
      h(
        'div',
        { class: 'seq-columns' },
        h('div', { class: 'seq-side' }, parts.participants, parts.aliases),
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
          parts.diagram,
          parts.form,
        ),
      ),
      runSection,
    );
  return { ...parts, layout };
}

export interface DrawContext {
  mayEdit: boolean;
  agents: AgentFacts[];
  /** The library the step forms check messages with. */
  lib(): TemplateLibrary;
  /** Redraws what depends on the state but is not drawn here (buttons, status, the run panel). */
  controls(): void;
}

/** Draws the editor from its state; `all` after any change, the others for the changes that need less. */
export function editorDrawing(state: EditorState, parts: EditorParts, ctx: DrawContext) {
  const focusStep = (key: number) =>
    parts.diagram.querySelector<SVGGElement>(`g.row[data-key="${key}"]`)?.focus();
  /** One undo step: change the document, then redraw everything from it. */
  const edit = (change: (d: SequenceDoc) => void) => {
    state.edit(change);
    all();
  };

  function diagram() {
    state.selectedIndex();
    fill(
      parts.diagram,
      drawDiagram(
        state.doc,
        { selected: state.selected, invalid: new Set(state.stepErrors.keys()), editable: ctx.mayEdit },
        {
          select: (key) => {
            state.selected = key;
            diagram();
            form();
            focusStep(key);
          },
          move: (from, to) => {
            const key = state.doc.steps[from]?.key;
            edit((x) => moveStep(x, from, to));
            if (key !== undefined) focusStep(key);
          },
          remove: (key) => edit((x) => deleteStep(x, key)),
        },
      ),
    );
  }

  function form() {
    const d = state.doc;
    const index = state.selectedIndex();
    const item = d.steps[index];
    if (!item) {
      const hint = d.steps.length
        ? 'Select a step in the diagram (click it, or focus it and press Enter) to edit it.'
        : 'Add participants, then steps.';
      fill(parts.form, h('p', { class: 'empty' }, hint));
      return;
    }
    const error = state.stepErrors.get(item.key);
    const at = (x: SequenceDoc) => indexOfKey(x, item.key);
    const input = {
      step: item.step,
      index,
      count: d.steps.length,
      key: item.key,
      participants: d.participants,
    };
    const stepEditor = stepForm(
      { ...input, lib: ctx.lib(), ...(error && { error }) },
      {
        change: (mutate, mergeKey, redraw) => {
          state.edit((x) => mutate(x.steps[at(x)]!.step), mergeKey);
          diagram();
          ctx.controls();
          if (redraw) form();
        },
        move: (delta) => edit((x) => moveStep(x, at(x), at(x) + delta)),
        remove: () => edit((x) => deleteStep(x, item.key)),
      },
    );
    fill(parts.form, editable('Selected step', stepEditor));
  }

  function all() {
    const d = state.doc;
    if (parts.description.input.value !== d.description) parts.description.input.value = d.description;
    parts.generalError.textContent = state.generalError;
    const panel = participantsPanel(d, ctx.agents, state.participantErrors, { edit });
    fill(parts.participants, editable('Participants', panel));
    fill(parts.aliases, editable('Aliases', aliasPanel(d, ctx.agents, { edit })));
    diagram();
    form();
    ctx.controls();
  }

  return { all };
}
