// Templates the user defines in the browser, checked with the shared library exactly as the agent
// would load them. There is no template API on the server yet, so they are kept in this browser.
import {
  TemplateError,
  TemplateLibrary,
  builtinTemplates,
  type Issue,
  type TemplateDef,
} from '@netspotter/shared';

const KEY = 'netspotter.templates.v1';

export function loadUserTemplates(): TemplateDef[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as TemplateDef[]) : [];
  } catch {
    return [];
  }
}

export const saveUserTemplates = (defs: TemplateDef[]): void =>
  localStorage.setItem(KEY, JSON.stringify(defs));

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
