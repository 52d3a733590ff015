// Follows a run through the server-sent events of GET /api/runs/:id/events: `run` on every change
// of state or progress, then `end`. The browser's EventSource sends the session cookie itself.
import type { Run } from '@netspotter/shared/api';

/** Calls `onRun` with each new state and `onEnd` once the run finished; returns a stop function. */
export function followRun(id: string, onRun: (run: Run) => void, onEnd: () => void): () => void {
  const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
  let ended = false;
  const stop = () => {
    ended = true;
    source.close();
  };
  source.addEventListener('run', (ev) => onRun(JSON.parse((ev as MessageEvent<string>).data) as Run));
  source.addEventListener('end', () => {
    stop();
    onEnd();
  });
  // The stream closes after `end`; an error before it means the connection broke: stop rather than
  // let EventSource reconnect forever, and let the caller reload what it shows.
  source.addEventListener('error', () => {
    if (ended) return;
    stop();
    onEnd();
  });
  return stop;
}
