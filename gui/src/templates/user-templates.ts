// Templates the user defines, checked in the browser with the shared library exactly as the agent
// would load them, and stored on the server as versions.
import { api } from '../api.ts';
import {
  TemplateError,
  TemplateLibrary,
  builtinTemplates,
  type Issue,
  type TemplateDef,
} from '@netspotter/shared';
import type { SavedTemplate, TemplateDetail, TemplateSummary } from '@netspotter/shared/api';

/** The user templates stored on the server, each with its latest version number. */
export async function loadUserTemplates(): Promise<{ defs: TemplateDef[]; versions: Map<string, number> }> {
  const list = await api<TemplateSummary[]>('GET', '/api/templates');
  const details = await Promise.all(
    list
      .filter((t) => !t.builtin)
      .map((t) => api<TemplateDetail>('GET', `/api/templates/${encodeURIComponent(t.name)}`)),
  );
  return {
    defs: details.map((d) => d.definition),
    versions: new Map(details.flatMap((d) => (d.version === null ? [] : [[d.definition.name, d.version]]))),
  };
}

/** Saves a template as a new version (version 1 when new); returns the version. */
export async function saveUserTemplate(def: TemplateDef, known: boolean): Promise<number> {
  const body = { definition: def };
  const saved = known
    ? await api<SavedTemplate>('PUT', `/api/templates/${encodeURIComponent(def.name)}`, body)
    : await api<SavedTemplate>('POST', '/api/templates', body);
  return saved.version;
}

export const deleteUserTemplate = (name: string): Promise<void> =>
  api('DELETE', `/api/templates/${encodeURIComponent(name)}`);

export interface CheckedTemplates {
  library: TemplateLibrary;
  /** Problems per user template name; a template with problems is left out of the library. */
  issues: Map<string, Issue[]>;
}

/** Builds the library: built-ins plus every user template that passes the schema and structure checks. */
export function checkTemplates(defs: TemplateDef[]): CheckedTemplates {
  const issues = new Map<string, Issue[]>();
  const failed = (d: TemplateDef, e: unknown) => {
    if (!(e instanceof TemplateError)) throw e;
    issues.set(d.name, e.issues);
    return false;
  };
  // The JSON Schema is checked as a definition enters a library, the structure on first use.
  let good = defs.filter((d) => {
    try {
      new TemplateLibrary([d]);
      return true;
    } catch (e) {
      return failed(d, e);
    }
  });
  // A template that fails may break those extending it, so repeat until the set is stable.
  for (;;) {
    const library = new TemplateLibrary([...builtinTemplates, ...good]);
    const broken = new Set(
      good
        .filter((d) => {
          try {
            library.get(d.name);
            return false;
          } catch (e) {
            return !failed(d, e);
          }
        })
        .map((d) => d.name),
    );
    if (broken.size === 0) return { library, issues };
    good = good.filter((d) => !broken.has(d.name));
  }
}

/** The field row an issue belongs to: `fields[2].size` (structure) or `/fields/2/bits` (schema). */
export function issueRow(issue: Issue): number | undefined {
  const m = /fields(?:\[|\/)(\d+)/.exec(issue.path);
  return m ? Number(m[1]) : undefined;
}
