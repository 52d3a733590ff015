// Hash routes (`#/targets`, `#/devices/ID`): no server configuration needed beyond serving index.html.
import type { Role } from '@netspotter/shared/api';

export interface View {
  path: string;
  title: string;
  minRole: Role;
  /** Reached by links only (a device page), not listed in the navigation. */
  hidden?: boolean;
  /**
   * Draws the view into `root`; `rest` are the path's segments after the view's own (`#/devices/ID` →
   * ['ID']). Returns a clean-up (timers, canvases) run when leaving.
   */
  render(root: HTMLElement, rest: string[]): Promise<(() => void) | void> | (() => void) | void;
}

/** The route without its query: `#/results?run=x` → `/results`. */
export const currentPath = (): string => location.hash.replace(/^#/, '').split('?')[0] || '/';
/** The route's query: `#/results?run=x` → run=x. */
export const routeQuery = (): URLSearchParams => new URLSearchParams(location.hash.split('?')[1] ?? '');

/** The view a path belongs to, and the decoded segments after it. */
export function matchRoute(views: View[], path: string): { view: View; rest: string[] } | undefined {
  const segments = path.split('/').filter(Boolean);
  const view = views.find((v) => v.path === `/${segments[0] ?? ''}`);
  return view && { view, rest: segments.slice(1).map(decodeURIComponent) };
}

/** A hash link to a view with path segments and a query. */
export function href(path: string, ...segments: Array<string | number>): string {
  return `#${path}${segments.map((s) => `/${encodeURIComponent(String(s))}`).join('')}`;
}

/**
 * Replaces the route's query without adding a history entry or re-rendering the view: views keep their
 * state (the map's layer, selection, viewport) in the URL so a link or a reload shows the same thing.
 */
export function replaceQuery(params: Record<string, string | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const text = q.toString();
  history.replaceState(history.state, '', `#${currentPath()}${text ? `?${text}` : ''}`);
}
