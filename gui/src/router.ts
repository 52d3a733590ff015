// Hash routes (`#/targets`): no server configuration needed beyond serving index.html.
import type { Role } from '@netspotter/shared/api';

export interface View {
  path: string;
  title: string;
  minRole: Role;
  /** Draws the view into `root`; returns a clean-up (timers, canvases) run when leaving. */
  render(root: HTMLElement): Promise<(() => void) | void> | (() => void) | void;
}

/** The route without its query: `#/results?run=x` → `/results`. */
export const currentPath = (): string => location.hash.replace(/^#/, '').split('?')[0] || '/';
/** The route's query: `#/results?run=x` → run=x. */
export const routeQuery = (): URLSearchParams => new URLSearchParams(location.hash.split('?')[1] ?? '');
