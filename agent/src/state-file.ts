// The agent's identity after enrolment (server URL, pinned fingerprint, agent id and key), kept in a
// file readable by its owner only and replaced atomically so a crash never leaves half a key.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
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

export function writeIdentity(path: string, id: AgentIdentity): void {
  writeJsonFile(path, id);
}

/** Writes JSON readable by the owner only, replacing the file atomically (temp file, fsync, rename). */
export function writeJsonFile(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
