// Before a new release replaces the running one it is tried: started with --trial beside the running
// agent, it must authenticate with this agent's key and beat once within the timeout, and load the
// packet engine the running release uses. A release that cannot (a broken build, a protocol the server
// refuses, an addon that does not load) is never switched to.
import { spawn } from 'node:child_process';

export const TRIAL_FLAG = '--trial';

export interface TrialOutcome {
  engine: string;
  /** Whether the release's packet engine can run here (addon loaded, capabilities present). */
  engineReady: boolean;
}

/** The line a trial run prints last when it beat. */
export const trialPassedLine = (o: TrialOutcome) => JSON.stringify({ trial: 'passed', ...o });

export class TrialFailed extends Error {}

export function tryRelease(executable: string, args: string[], timeoutMs: number): Promise<TrialOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, [...args, TRIAL_FLAG], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => (out = (out + String(d)).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const lastLines = () => out.trim().split('\n').slice(-3).join(' | ').slice(0, 600);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TrialFailed(`it did not beat within ${Math.round(timeoutMs / 1000)} s: ${lastLines()}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new TrialFailed(`it does not start: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const passed = out
        .trim()
        .split('\n')
        .map((l) => {
          try {
            return JSON.parse(l) as { trial?: string } & TrialOutcome;
          } catch {
            return undefined;
          }
        })
        .find((l) => l?.trial === 'passed');
      if (code === 0 && passed) resolve({ engine: passed.engine, engineReady: passed.engineReady });
      else
        reject(new TrialFailed(`it exited with ${signal ?? `code ${code}`} before beating: ${lastLines()}`));
    });
  });
}
