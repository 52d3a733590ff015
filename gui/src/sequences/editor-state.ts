// The sequence editor's state: the document with its undo history, the stored sequence and version it
// is, the selected step, unsaved changes, and the problems placed at steps, participants or the form.
// Pure (no DOM): the view draws from it and turns user actions into these calls.
import type { TemplateDef } from '@netspotter/shared';
import type { StoredSequence } from '@netspotter/shared/api';
import {
  addStep,
  emptyDoc,
  fromDefinition,
  indexOfKey,
  newStep,
  toDefinition,
  type SequenceDefinition,
  type SequenceDoc,
  type StepOp,
} from './document.ts';
import { placeError, type ErrorPlace } from './error-place.ts';
import { History } from './history.ts';
import { templatesFor } from './templates-used.ts';

export type StepError = { place: Extract<ErrorPlace, { area: 'step' }>; message: string };

export class EditorState {
  readonly history = new History<SequenceDoc>(emptyDoc());
  /** The stored sequence being edited (none for a new one) and the version last saved or loaded. */
  stored: { id?: string; version?: number } = {};
  /** The selected step's key. */
  selected: number | undefined;
  dirty = false;
  readonly stepErrors = new Map<number, StepError>();
  readonly participantErrors = new Map<number, { part?: string; message: string }>();
  /** A problem that belongs to no step or participant. */
  generalError = '';

  get doc(): SequenceDoc {
    return this.history.current;
  }

  /** One undo step (or part of the last one, with the same merge key). */
  edit<R>(change: (d: SequenceDoc) => R, mergeKey?: string): R {
    const out = this.history.edit(change, mergeKey);
    this.dirty = true;
    return out;
  }

  undo(): boolean {
    return this.history.undo() && (this.dirty = true);
  }

  redo(): boolean {
    return this.history.redo() && (this.dirty = true);
  }

  /** Starts editing a stored sequence, or a new one. */
  open(s: StoredSequence | undefined): void {
    this.stored = s ? { id: s.id, version: s.version } : {};
    this.history.reset(s ? fromDefinition(s.definition) : emptyDoc());
    this.selected = undefined;
    this.dirty = false;
    this.clearProblems();
  }

  saved(s: StoredSequence): void {
    this.stored = { id: s.id, version: s.version };
    this.dirty = false;
  }

  /** The index of the selected step, or -1 (a selection whose step is gone is forgotten). */
  selectedIndex(): number {
    const i = this.selected === undefined ? -1 : indexOfKey(this.doc, this.selected);
    if (i < 0) this.selected = undefined;
    return i;
  }

  /**
   * Adds a step of a kind after the selected one (at the end without one), acting at the first participant,
   * and selects it.
   */
  addStep(op: StepOp): void {
    const i = this.selectedIndex();
    const at = i < 0 ? this.doc.steps.length : i + 1;
    const who = this.doc.participants[0]?.name ?? 'h1';
    this.selected = this.edit((d) => addStep(d, newStep(op, who), at));
  }

  /** What is stored: the definition with the user templates its messages use carried along. */
  definitionToSave(userTemplates: TemplateDef[]): SequenceDefinition {
    const { templates: _carried, ...rest } = toDefinition(this.doc);
    const templates = templatesFor(toDefinition(this.doc), userTemplates);
    return { ...rest, ...(templates.length && { templates }) };
  }

  clearProblems(): void {
    this.stepErrors.clear();
    this.participantErrors.clear();
    this.generalError = '';
  }

  /**
   * Puts a problem where it belongs: the step (the first one of a step stays, and is selected), the
   * participant, or the form.
   */
  place(field: string | undefined, message: string): void {
    const place = placeError(field);
    if (place.area === 'step') {
      const item = this.doc.steps[place.index];
      if (!item) {
        this.generalError = `step ${place.index + 1}: ${message}`;
        return;
      }
      if (!this.stepErrors.has(item.key)) this.stepErrors.set(item.key, { place, message });
      this.selected ??= item.key;
    } else if (place.area === 'participant') {
      this.participantErrors.set(place.index, { ...(place.part && { part: place.part }), message });
    } else this.generalError = field ? `${field}: ${message}` : message;
  }

  /** Only a saved version runs. */
  get canRun(): boolean {
    return this.stored.id !== undefined && !this.dirty;
  }

  get statusText(): string {
    if (this.stored.id)
      return `version ${this.stored.version}${this.dirty ? ' · unsaved changes' : ' · saved'}`;
    return this.dirty ? 'not saved yet' : '';
  }
}
