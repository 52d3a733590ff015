// Checks a pasted target list in the browser with the server's own parser and limits (ports allowed,
// the server's largest range), so every bad line is shown with its number and reason before anything is
// sent, as the server would word it; the server's verdict is merged in after.
import { parseTargetLines } from '@netspotter/shared';
import type { LineError } from '@netspotter/shared/api';

export interface PasteCheck {
  /** Lines that parse (blank and comment lines are not counted). */
  good: number;
  problems: LineError[];
}

export function checkPaste(text: string, defaultCommunity?: string, maxRange?: number): PasteCheck {
  const { targets, errors } = parseTargetLines(text, {
    allowPort: true,
    ...(defaultCommunity && { defaultCommunity }),
    ...(maxRange !== undefined && { maxRange }),
  });
  return { good: targets.length, problems: errors };
}

/** Client and server problems as one list by line; the same reason from both is shown once. */
export function mergeProblems(
  client: LineError[],
  server: LineError[],
): Array<LineError & { from: 'browser' | 'server' }> {
  const seen = new Set(client.map((p) => `${p.line}\n${p.reason}`));
  return [
    ...client.map((p) => ({ ...p, from: 'browser' as const })),
    ...server
      .filter((p) => !seen.has(`${p.line}\n${p.reason}`))
      .map((p) => ({ ...p, from: 'server' as const })),
  ].sort((a, b) => a.line - b.line);
}

/** Character offsets of a 1-based line in the text (to select it in the textarea). */
export function lineRange(text: string, line: number): [number, number] {
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  return [start, start + (lines[line - 1]?.length ?? 0)];
}
