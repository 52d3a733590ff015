// The agent's state files: its identity after enrolment (server URL, pinned fingerprint, agent id and
// key) and its kept monitor assignments, readable by its owner only and replaced atomically, so a crash
// never leaves half a key. Written off the event loop: an fsync on a busy disk can take seconds, and the
// loop also paces beacons and closes monitor intervals.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AgentIdentity {
  url: string;
  fingerprint?: string;
  agentId: string;
  key: string;
  name: string;
}

export function readIdentity(path: string): AgentIdentity | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as AgentIdentity;
}

export function writeIdentity(path: string, id: AgentIdentity): Promise<void> {
  return writeJsonFile(path, id);
}

/** Writes JSON readable by the owner only, replacing the file atomically. */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceFile(path, JSON.stringify(value, null, 2));
}

/** Replaces `path` with `text` atomically: a temp file beside it, fsynced, renamed over it. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeSynced(tmp, 'w', text);
  await rename(tmp, path);
}

/** Writes (`w`) or appends (`a`) `text` and waits until it is on disk; a new file is the owner's only. */
export async function writeSynced(path: string, flags: 'a' | 'w', text: string): Promise<void> {
  const file = await open(path, flags, 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}
