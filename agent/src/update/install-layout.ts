// Where an installed agent keeps its releases. install.sh lays them out as ROOT/releases/VERSION/ (the
// single executable `netspotter-agent` and its native engine) with ROOT/current a symlink to the one
// that runs; the systemd unit starts ROOT/current/netspotter-agent. Switching releases replaces the
// symlink in one rename, so a crash at any moment leaves either the old or the new release current.
import { existsSync, lstatSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const EXECUTABLE = 'netspotter-agent';

export interface InstallLayout {
  root: string;
  releases: string;
  current: string;
}

/** The layout the running executable belongs to, or undefined when it is no installed release. */
export function installLayout(execPath: string = process.execPath): InstallLayout | undefined {
  if (basename(execPath) !== EXECUTABLE) return undefined;
  const releases = dirname(dirname(execPath));
  const root = dirname(releases);
  const current = join(root, 'current');
  if (basename(releases) !== 'releases') return undefined;
  try {
    return lstatSync(current).isSymbolicLink() ? { root, releases, current } : undefined;
  } catch {
    return undefined;
  }
}

export const releaseDir = (l: InstallLayout, version: string) => join(l.releases, version);
export const releaseExecutable = (l: InstallLayout, version: string) => join(l.releases, version, EXECUTABLE);

/** The version `current` points at. */
export const currentVersion = (l: InstallLayout): string => basename(readlinkSync(l.current));

/** Points `current` at a release, atomically (a new symlink renamed over the old one). */
export function switchCurrent(l: InstallLayout, version: string): void {
  if (!existsSync(releaseExecutable(l, version))) throw new Error(`release ${version} is not installed`);
  const next = `${l.current}.next`;
  rmSync(next, { force: true });
  symlinkSync(join('releases', version), next);
  renameSync(next, l.current);
}

/** Removes every release folder but the ones named (the current one and the one to fall back to). */
export function pruneReleases(l: InstallLayout, keep: string[]): void {
  for (const name of readdirSync(l.releases)) {
    if (!keep.includes(name)) rmSync(join(l.releases, name), { recursive: true, force: true });
  }
}
