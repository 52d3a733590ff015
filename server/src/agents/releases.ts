// The agent releases this server hands out: `netspotter-agent-VERSION-linux-ARCH.tar.gz` files in the
// artifact folder, each beside the `.sha256` the build wrote. A tarball is registered once, when it is
// first seen and its bytes match the build's digest; from then on the registered SHA-256 is the one the
// server signs off (install script, update offers). Downloads are served as the file is: the agent and
// the install script check the digest, so a file changed on disk after registration is refused by them.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareVersions,
  parseVersion,
  type ReleaseArch,
  type UpdateOffer,
} from '@netspotter/shared/agent-protocol';
import type { AgentRelease } from '../db/generated/client.ts';
import type { Database } from '../db/connect.ts';

const TARBALL = /^netspotter-agent-(.+)-linux-(x64|arm64)\.tar\.gz$/;

export const releaseFileName = (version: string, arch: string) =>
  `netspotter-agent-${version}-linux-${arch}.tar.gz`;

function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export interface SyncReport {
  registered: string[];
  /** Tarballs not registered, with why (no digest file, digest mismatch). */
  refused: { file: string; reason: string }[];
}

/** A file's size and modification time: a refused tarball is hashed again only once it changed. */
const stamp = (path: string) => {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
};

/**
 * Registers tarballs not seen before whose bytes match their `.sha256` file. `refused` (file → stamp)
 * keeps the ones refused before, which are skipped until they change.
 */
export async function syncReleases(
  db: Database,
  dir: string,
  refused = new Map<string, string>(),
): Promise<SyncReport> {
  const report: SyncReport = { registered: [], refused: [] };
  if (!existsSync(dir)) return report;
  const known = new Set(
    (await db.prisma.agentRelease.findMany({ select: { file: true } })).map((r) => r.file),
  );
  for (const file of readdirSync(dir).sort()) {
    const m = TARBALL.exec(file);
    if (!m || known.has(file) || !parseVersion(m[1]!)) continue;
    const path = join(dir, file);
    const sidecar = `${path}.sha256`;
    const seen = stamp(path) + (existsSync(sidecar) ? ` ${stamp(sidecar)}` : '');
    if (refused.get(file) === seen) continue;
    const refuse = (reason: string) => {
      refused.set(file, seen);
      report.refused.push({ file, reason });
    };
    if (!existsSync(sidecar)) {
      refuse(`no ${file}.sha256 beside it`);
      continue;
    }
    const expected = readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0]!.toLowerCase();
    const actual = await sha256OfFile(path);
    if (actual !== expected) {
      refuse(`SHA-256 ${actual} differs from its .sha256 (${expected})`);
      continue;
    }
    refused.delete(file);
    await db.prisma.agentRelease.upsert({
      where: { version_arch: { version: m[1]!, arch: m[2]! } },
      create: { version: m[1]!, arch: m[2]!, sha256: actual, size: statSync(path).size, file },
      update: {},
    });
    report.registered.push(file);
  }
  return report;
}

/** Registered releases whose file is still there, newest first. */
export async function listReleases(db: Database, dir: string): Promise<AgentRelease[]> {
  const rows = await db.prisma.agentRelease.findMany();
  return rows
    .filter((r) => existsSync(join(dir, r.file)))
    .sort((a, b) => (compareVersions(b.version, a.version) ?? 0) || a.arch.localeCompare(b.arch));
}

/** The newest release (of `arch` when given). */
export function newest(releases: AgentRelease[], arch?: string): AgentRelease | undefined {
  return releases.find((r) => arch === undefined || r.arch === arch);
}

export const releasePath = (dir: string, r: AgentRelease) => join(dir, r.file);

export function offerOf(r: AgentRelease): UpdateOffer {
  return {
    version: r.version,
    arch: r.arch as ReleaseArch,
    sha256: r.sha256,
    size: r.size,
    path: `/agent/download/${r.version}/${r.arch}`,
  };
}

/**
 * The release catalog of one artifact folder: registered on first use and whenever asked, at most one
 * scan at a time (a new build dropped into the folder is picked up by the next request).
 */
export class ReleaseCatalog {
  #scan?: Promise<SyncReport>;
  /** Tarballs refused (file → size and time), not hashed again until they change. */
  readonly #refused = new Map<string, string>();

  constructor(
    private readonly db: Database,
    readonly dir: string,
    private readonly onRefused: (r: SyncReport['refused'][number]) => void = () => undefined,
  ) {}

  async list(): Promise<AgentRelease[]> {
    // A refusal is made (and reported) once per change of the file.
    this.#scan ??= syncReleases(this.db, this.dir, this.#refused)
      .then((report) => {
        for (const r of report.refused) this.onRefused(r);
        return report;
      })
      .finally(() => (this.#scan = undefined));
    await this.#scan;
    return listReleases(this.db, this.dir);
  }

  async find(version: string, arch: string): Promise<AgentRelease | undefined> {
    return (await this.list()).find((r) => r.version === version && r.arch === arch);
  }
}
